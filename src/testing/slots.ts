/**
 * A counting semaphore for end-to-end suites that run several sandboxes at once (the crash
 * campaign's worker sandboxes): `take()` waits for a free slot and returns its release.
 *
 * ### Examples
 * ```ts
 * const slots = createSlots(2);
 * const release = await slots.take();
 * try { ... } finally { release(); }
 * ```
 */
export interface Slots {
  take(): Promise<() => void>;
}

export function createSlots(size: number): Slots {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, not ${size}`);
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    take(): Promise<() => void> {
      const once = () => {
        let done = false;
        return () => {
          if (done) return;
          done = true;
          release();
        };
      };
      if (free > 0) {
        free--;
        return Promise.resolve(once());
      }
      return new Promise((resolve) => waiting.push(() => resolve(once())));
    },
  };
}

/** How many worker sandboxes a crash campaign runs at once: REWIND_CRASH_WORKERS, default 1. */
export function campaignWorkers(env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(1, Number.parseInt(env['REWIND_CRASH_WORKERS'] ?? '1', 10) || 1);
}
