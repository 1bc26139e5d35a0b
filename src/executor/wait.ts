import type { StepContext } from './step-context.ts';

/**
 * Polls `check` until it returns true, the deadline passes (false) or the run is aborted.
 * Transient read errors are retried; other errors propagate.
 */
export async function pollUntil(ctx: StepContext, check: () => Promise<boolean>, intervalMs = 1000): Promise<boolean> {
  for (;;) {
    if (ctx.signal.aborted) throw new Error('interrupted');
    try {
      if (await check()) return true;
    } catch (e) {
      if (!(e as { transient?: boolean }).transient) throw e;
    }
    if (ctx.clock.now().getTime() >= ctx.deadline) return false;
    await ctx.clock.sleep(intervalMs, ctx.signal).catch(() => undefined);
  }
}
