/**
 * Slack's Web API through `@slack/web-api` with a bot token: the run's first notice is a
 * `chat.postMessage` (its `ts` goes into the journal), every later one a reply in that thread
 * plus a `chat.update` of the first message, so the channel shows one message per run whose
 * status is current. The library's own retries are off (rewind's sender retries with the run's
 * clock and journals each outcome); rate limits come back as errors carrying Retry-After.
 */
import { WebClient, type Logger, LogLevel } from '@slack/web-api';
import { DeliveryError, type Notice } from '../../core/comms.ts';
import type { Notifier } from '../../core/ports.ts';
import { noticeMessage } from './blocks.ts';
import { httpDeliveryError, requestDeliveryError } from '../../core/delivery-errors.ts';

export interface SlackWebApiOptions {
  /** The bot token (xoxb-…): a secret. */
  readonly token: string;
  readonly channel: string;
  /** Default https://slack.com/api/. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
}

/** The library logs request details on warnings; rewind reports through the journal instead. */
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

export function createSlackWebApiNotifier(opts: SlackWebApiOptions): Notifier {
  const target = `slack ${opts.channel}`;
  const client = new WebClient(opts.token, {
    slackApiUrl: opts.apiUrl,
    timeout: opts.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silent,
  });
  const call = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw toDeliveryError(target, e);
    }
  };
  return {
    target,
    async deliver(notice: Notice, thread) {
      const message = noticeMessage(notice);
      const blocks = [...message.blocks];
      if (thread === undefined) {
        const res = await call(() => client.chat.postMessage({ channel: opts.channel, text: message.text, blocks }));
        if (typeof res.ts !== 'string') throw new DeliveryError(`${target}: chat.postMessage returned no ts`, { retryable: false });
        return { ref: res.ts };
      }
      // NOTE: the reply first: it is the news; the update only refreshes the first message's status.
      await call(() => client.chat.postMessage({ channel: opts.channel, thread_ts: thread.ref, text: message.text, blocks }));
      await call(() => client.chat.update({ channel: opts.channel, ts: thread.ref, text: message.text, blocks }));
      return { ref: thread.ref };
    },
  };
}

/** The library's error codes (errors.ts of @slack/web-api) as retryable or not; never its message, which may hold the request. */
function toDeliveryError(target: string, e: unknown): DeliveryError {
  const err = e as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (err.code) {
    case 'slack_webapi_rate_limited_error':
      return new DeliveryError(`${target}: rate limited`, { retryable: true, ...(typeof err.retryAfter === 'number' ? { retryAfterMs: err.retryAfter * 1000 } : {}) });
    case 'slack_webapi_http_error':
      return httpDeliveryError(target, err.statusCode ?? 0);
    case 'slack_webapi_platform_error':
      // e.g. channel_not_found, not_in_channel, invalid_auth: a person must fix it; retrying will not.
      return new DeliveryError(`${target}: Slack said ${err.data?.error ?? 'error'}`, { retryable: err.data?.error === 'ratelimited' });
    default:
      return requestDeliveryError(target, e);
  }
}
