/**
 * Slack incoming webhooks through `@slack/webhook` (`IncomingWebhook.send`): one message per
 * notice, since a webhook cannot reply in a thread or edit. The library reports a status but not
 * the headers, so rewind's fetch keeps the last response's Retry-After for the 429 it sends.
 */
import { IncomingWebhook } from '@slack/webhook';
import type { Notice } from '../../core/comms.ts';
import type { Notifier } from '../../core/ports.ts';
import { noticeMessage } from './blocks.ts';
import { httpDeliveryError, requestDeliveryError, retryAfterMs } from '../../core/delivery-errors.ts';

export interface SlackWebhookOptions {
  /** The webhook URL: a secret (it is the credential); never logged or put in an error. */
  readonly url: string;
  /** "slack webhook status-channel": how the journal names it. */
  readonly target: string;
  readonly timeoutMs: number;
}

export function createSlackWebhookNotifier(opts: SlackWebhookOptions): Notifier {
  return {
    target: opts.target,
    async deliver(notice: Notice, _thread, { signal }) {
      let lastRetryAfter: string | null = null;
      const fetchFn: typeof fetch = async (input, init) => {
        const res = await fetch(input, { ...init, signal: AbortSignal.any([signal, ...(init?.signal ? [init.signal] : [])]) });
        lastRetryAfter = res.headers.get('retry-after');
        return res;
      };
      const hook = new IncomingWebhook(opts.url, { timeout: opts.timeoutMs, fetch: fetchFn, retryConfig: { retries: 0 } });
      const message = noticeMessage(notice);
      try {
        await hook.send({ text: message.text, blocks: [...message.blocks] });
        return {};
      } catch (e) {
        const status = (e as { statusCode?: unknown }).statusCode;
        if (typeof status === 'number') throw httpDeliveryError(opts.target, status, retryAfterMs(lastRetryAfter, Date.now()));
        throw requestDeliveryError(opts.target, (e as { original?: unknown }).original ?? e);
      }
    },
  };
}
