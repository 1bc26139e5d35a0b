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
 * Transient read errors are retried; other errors propagate.
 */
export async function pollUntil(ctx: WaitContext, check: () => Promise<boolean>, intervalMs = 1000): Promise<boolean> {
  // A system that stopped answering is an outage (exit 3), not a service that never came up (exit 4).
  let unreachable: Error | undefined;
  for (;;) {
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
    await ctx.clock.sleep(intervalMs, ctx.signal).catch(() => undefined);
  }
}
