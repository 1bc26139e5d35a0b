import type { ChangeFeed } from '../core/change-feed.ts';
import type { Clock } from '../core/ports.ts';
import { RefusedError } from '../core/errors.ts';

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
export async function pollUntil(ctx: WaitContext, check: () => Promise<boolean>, intervalMs = 1000, feeds: readonly ChangeFeed[] = []): Promise<boolean> {
  // A system that stopped answering is an outage (exit 3), not a service that never came up (exit 4).
  let unreachable: Error | undefined;
  for (;;) {
    // Taken before the read, so a change that lands while `check` runs still wakes the next one.
    const marks = feeds.map((f) => f.seen);
    if (ctx.signal.aborted) throw new RefusedError('interrupted (Ctrl-C) while waiting', { hint: 'run the same command again, or `rewind resume RUN`, to continue' });
    try {
      if (await check()) return true;
      unreachable = undefined;
    } catch (e) {
      if (!(e as { transient?: boolean }).transient) throw e;
      unreachable = e instanceof Error ? e : new Error(String(e));
    }
    if (ctx.clock.now().getTime() >= ctx.deadline) {
      if (unreachable !== undefined) throw unreachable;
      return false;
    }
    await nextCheck(ctx, intervalMs, feeds, marks);
  }
}

/** The poll interval, cut short by a change on any feed since `marks` (or by Ctrl-C). */
async function nextCheck(ctx: WaitContext, intervalMs: number, feeds: readonly ChangeFeed[], marks: readonly number[]): Promise<void> {
  if (feeds.length === 0) return ctx.clock.sleep(intervalMs, ctx.signal).catch(() => undefined);
  const woken = new AbortController();
  const done = AbortSignal.any([ctx.signal, woken.signal]);
  try {
    await Promise.race([ctx.clock.sleep(intervalMs, done).catch(() => undefined), ...feeds.map((f, i) => f.changedSince(marks[i]!, done))]);
  } finally {
    woken.abort();
  }
}
