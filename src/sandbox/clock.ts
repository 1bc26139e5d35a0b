/**
 * The sandbox's clock: sandbox time runs `speed` times faster than real time, so a
 * rollout that takes minutes in a real cluster takes seconds in a demo or a test.
 * Every sandbox controller schedules through it; nothing in the sandbox reads `Date.now()`.
 *
 * ### Examples
 * ```ts
 * const clock = createSandboxClock({ speed: 20 });
 * clock.setTimeout(() => markReady(pod), 1500); // fires after 75 real ms
 * clock.now();                                  // 20 sandbox seconds per real second
 * ```
 */
export interface SandboxClock {
  readonly speed: number;
  /** The current sandbox time. */
  now(): Date;
  /** Runs `fn` after `sandboxMs` of sandbox time. Cancel with `clearTimeout`. */
  setTimeout(fn: () => void, sandboxMs: number): ReturnType<typeof setTimeout>;
  /** Runs `fn` every `sandboxMs` of sandbox time. Cancel with `clearInterval`. */
  setInterval(fn: () => void, sandboxMs: number): ReturnType<typeof setInterval>;
  clearTimeout(handle: ReturnType<typeof setTimeout> | undefined): void;
  clearInterval(handle: ReturnType<typeof setInterval> | undefined): void;
  /** Resolves after `sandboxMs` of sandbox time; rejects with the signal's reason when aborted. */
  sleep(sandboxMs: number, signal?: AbortSignal): Promise<void>;
  /** The real milliseconds that `sandboxMs` of sandbox time take. */
  toRealMs(sandboxMs: number): number;
}

export interface SandboxClockOptions {
  /** Sandbox milliseconds per real millisecond; 1 is real time. */
  readonly speed: number;
  /** The sandbox time at creation; defaults to the real time. */
  readonly start?: Date;
}

export function createSandboxClock(options: SandboxClockOptions): SandboxClock {
  const { speed } = options;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  const realStart = performance.now();
  const sandboxStart = (options.start ?? new Date()).getTime();
  const toRealMs = (sandboxMs: number): number => Math.max(0, sandboxMs / speed);

  return {
    speed,
    now: () => new Date(sandboxStart + (performance.now() - realStart) * speed),
    setTimeout: (fn, sandboxMs) => setTimeout(fn, toRealMs(sandboxMs)),
    // NOTE: a floor of 1 real ms keeps a fast clock from spinning the event loop.
    setInterval: (fn, sandboxMs) => setInterval(fn, Math.max(1, toRealMs(sandboxMs))),
    clearTimeout: (handle) => clearTimeout(handle),
    clearInterval: (handle) => clearInterval(handle),
    sleep: (sandboxMs, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, toRealMs(sandboxMs));
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    toRealMs,
  };
}
