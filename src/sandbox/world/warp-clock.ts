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
    ...base,
    now: () => new Date(base.now().getTime() + offset),
    advance(ms) {
      if (ms > 0) offset += ms;
    },
  };
}
