import type { ChangeFeed } from '../core/change-feed.ts';
import type { Clock } from '../core/ports.ts';
import { RefusedError } from '../core/errors.ts';

/** Real ms between two reads woken by a stream (the notice latency's bound within a burst). */
const STREAM_GAP_MS = 50;

/** What a wait needs: the clock, when to give up (epoch ms on that clock), and Ctrl-C. */
export interface WaitContext {
  readonly clock: Clock;
  readonly deadline: number;
  readonly signal: AbortSignal;
}

/**
 * Polls `check` until it returns true, the deadline passes (false) or the run is aborted.
 * Transient read errors are retried; other errors propagate. With `feeds` (watch streams on what
 * `check` reads) it checks again as soon as one of them sees a change instead of at the next
 * poll; a feed that breaks only stops waking it early, the poll goes on as before.
 */
export async function pollUntil(ctx: WaitContext, check: () => Promise<boolean>, intervalMs = 1000, feeds: readonly ChangeFeed[] = [], noticed?: (n: Noticed) => void): Promise<boolean> {
  // A system that stopped answering is an outage (exit 3), not a service that never came up (exit 4).
  let unreachable: Error | undefined;
  let woken: 'first' | 'poll' | 'stream' = 'first';
  let lastRead = 0;
  for (;;) {
    // A rollout streams an event per status write: one read per burst, not one per event. The
    // first event after a quiet spell is read at once; within a burst, reads are STREAM_GAP_MS apart.
    if (woken === 'stream') {
      const gap = lastRead + STREAM_GAP_MS - performance.now();
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
    }
    lastRead = performance.now();
    // Taken before the read, so a change that lands while `check` runs still wakes the next one.
    const marks = feeds.map((f) => f.seen);
    if (ctx.signal.aborted) throw new RefusedError('interrupted (Ctrl-C) while waiting', { hint: 'run the same command again, or `rewind resume RUN`, to continue' });
    try {
      if (await check()) {
        noticed?.(noticeOf(feeds, woken));
        return true;
      }
      unreachable = undefined;
    } catch (e) {
      if (!(e as { transient?: boolean }).transient) throw e;
      unreachable = e instanceof Error ? e : new Error(String(e));
    }
    if (ctx.clock.now().getTime() >= ctx.deadline) {
      if (unreachable !== undefined) throw unreachable;
      return false;
    }
    woken = await nextCheck(ctx, intervalMs, feeds, marks);
  }
}

/**
 * How the wait that just ended saw its state: `stream` when a feed's event had arrived before the
 * read that found it (`ms`: from that event's arrival on this host to the end of the read),
 * `poll` when no stream had told of a change (the state was there at a poll), `first` when the
 * first read already found it.
 */
export type Noticed = { readonly via: 'stream'; readonly ms: number } | { readonly via: 'poll' | 'first' };

function noticeOf(feeds: readonly ChangeFeed[], woken: 'first' | 'poll' | 'stream'): Noticed {
  if (woken !== 'stream') return { via: woken };
  const arrivals = feeds.map((f) => f.lastChangeAt).filter((t): t is number => t !== undefined);
  return arrivals.length === 0 ? { via: 'poll' } : { via: 'stream', ms: Date.now() - Math.max(...arrivals) };
}

/** The poll interval, cut short by a change on any feed since `marks` (or by Ctrl-C). */
async function nextCheck(ctx: WaitContext, intervalMs: number, feeds: readonly ChangeFeed[], marks: readonly number[]): Promise<'poll' | 'stream'> {
  if (feeds.length === 0) {
    await ctx.clock.sleep(intervalMs, ctx.signal).catch(() => undefined);
    return 'poll';
  }
  const woken = new AbortController();
  const done = AbortSignal.any([ctx.signal, woken.signal]);
  try {
    return await Promise.race([
      ctx.clock.sleep(intervalMs, done).then(
        () => 'poll' as const,
        () => 'poll' as const,
      ),
      ...feeds.map((f, i) => f.changedSince(marks[i]!, done).then(() => (f.seen > marks[i]! ? ('stream' as const) : ('poll' as const)))),
    ]);
  } finally {
    woken.abort();
  }
}
