/**
 * Delivers one notice to one receiver the way the journal can vouch for: `intent` before the
 * first attempt, `sent` (with the receiver's reference) or `failed` after the last. At least
 * once: a notice whose intent has no outcome (the process died while sending) is sent again
 * by a resumed run; one already `sent` is not. Timeouts, 5xx and 429 are retried with
 * exponential back-off (1 s, 2 s, 4 s ... capped at 30 s) or the receiver's Retry-After, on the
 * run's clock. Nothing here throws: a receiver that stays down is a `failed` record, never a
 * failed rollback.
 */
import { DeliveryError, type Notice } from '../core/comms.ts';
import type { Clock, JournalStore, Notifier } from '../core/ports.ts';
import type { JournalRecord, NoticeRecord } from '../core/run.ts';

export interface SendOptions {
  readonly journal: JournalStore;
  readonly clock: Clock;
  /** Attempts after the first. */
  readonly retries: number;
  /** Records of the run so far; the ones this call appends are pushed onto it. */
  readonly records: JournalRecord[];
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/** The reference of the run's first delivery to this target: the Slack thread, the incident. */
export function threadOf(records: readonly JournalRecord[], target: string): { readonly ref: string } | undefined {
  const first = records.find((r): r is NoticeRecord => r.type === 'notice' && r.target === target && r.state === 'sent' && r.ref !== undefined);
  return first?.ref !== undefined ? { ref: first.ref } : undefined;
}

export async function sendNotice(notifier: Notifier, notice: Notice, opts: SendOptions): Promise<NoticeRecord | undefined> {
  const { target } = notifier;
  if (alreadySent(opts.records, target, notice.event)) return undefined;
  const base = { type: 'notice' as const, runId: notice.facts.runId, event: notice.event, target };
  const write = async (r: NoticeRecord) => {
    opts.records.push(r);
    // NOTE: a journal that cannot write is the run's problem, reported by its own steps; comms never fail the run.
    await opts.journal.append(r).catch(() => undefined);
    return r;
  };
  await write({ ...base, at: opts.clock.now().toISOString(), state: 'intent' });
  for (let attempt = 1; ; attempt++) {
    try {
      const thread = threadOf(opts.records, target);
      const res = await notifier.deliver(notice, thread, { signal: new AbortController().signal });
      return await write({ ...base, at: opts.clock.now().toISOString(), state: 'sent', attempts: attempt, ...(res.ref !== undefined ? { ref: res.ref } : {}) });
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError(`${target}: ${e instanceof Error ? e.name : 'error'}`, { retryable: false });
      if (!err.retryable || attempt > opts.retries) {
        return await write({ ...base, at: opts.clock.now().toISOString(), state: 'failed', attempts: attempt, error: err.message });
      }
      const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      await opts.clock.sleep(err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, 5 * MAX_DELAY_MS) : backoff).catch(() => undefined);
    }
  }
}

/** A `sent` record without a reference (webhooks return none) also counts. */
function alreadySent(records: readonly JournalRecord[], target: string, event: string): boolean {
  return records.some((r) => r.type === 'notice' && r.target === target && r.event === event && r.state === 'sent');
}
