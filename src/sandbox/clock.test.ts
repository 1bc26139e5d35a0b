import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSandboxClock } from './clock.ts';

describe('SandboxClock', () => {
  it('runs sandbox time speed times faster than real time', async () => {
    const start = new Date('2025-03-01T12:00:00Z');
    // NOTE: bounded by the real time measured around the clock's start and its read, never by a
    // guess of how long a 50 ms timer takes (a loaded machine ran one for 205 ms).
    const r0 = performance.now();
    const clock = createSandboxClock({ speed: 100, start });
    const r1 = performance.now();
    await new Promise((r) => setTimeout(r, 50));
    const r2 = performance.now();
    const elapsed = clock.now().getTime() - start.getTime();
    const r3 = performance.now();
    // A Date holds whole milliseconds: 1 ms either side.
    assert.ok(elapsed >= Math.floor(100 * (r2 - r1)) - 1 && elapsed <= Math.ceil(100 * (r3 - r0)) + 1, `elapsed ${elapsed} sandbox ms over ${(r2 - r1).toFixed(1)}-${(r3 - r0).toFixed(1)} real ms`);
  });

  it('fires timers and sleeps after sandbox delays', async () => {
    const clock = createSandboxClock({ speed: 50 });
    const t0 = performance.now();
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 2000));
    await clock.sleep(1000);
    const real = performance.now() - t0;
    assert.ok(real >= 55, `took ${real} real ms for 3 sandbox s: timers must not fire early`);
  });

  it('aborts a sleep with the signal’s reason', async () => {
    const clock = createSandboxClock({ speed: 1 });
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(sleeping, /stopped/);
  });

  it('rejects a speed that is not positive', () => {
    assert.throws(() => createSandboxClock({ speed: 0 }), RangeError);
  });
});
