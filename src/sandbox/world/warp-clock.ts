/**
 * A sandbox clock that can jump forward. Seeding uses it to let the clusters' rollouts of
 * the world's past finish in milliseconds (pods "started" hours ago); afterwards time only
 * flows at the clock's speed. Timers keep their real-time schedule.
 */
import type { SandboxClock } from '../clock.ts';

export interface WarpClock extends SandboxClock {
  /** Moves sandbox time forward by `sandboxMs` at once. */
  advance(sandboxMs: number): void;
}

export function warpable(base: SandboxClock): WarpClock {
  let offset = 0;
  return {
    speed: base.speed,
    now: () => new Date(base.now().getTime() + offset),
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    setInterval: (fn, ms) => base.setInterval(fn, ms),
    clearTimeout: (h) => base.clearTimeout(h),
    clearInterval: (h) => base.clearInterval(h),
    sleep: (ms, signal) => base.sleep(ms, signal),
    toRealMs: (ms) => base.toRealMs(ms),
    advance(ms) {
      if (ms > 0) offset += ms;
    },
  };
}
