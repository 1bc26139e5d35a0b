import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSandboxClock } from './clock.ts';

describe('SandboxClock', () => {
  it('runs sandbox time speed times faster than real time', async () => {
    const start = new Date('2025-03-01T12:00:00Z');
    const clock = createSandboxClock({ speed: 100, start });
    await new Promise((r) => setTimeout(r, 50));
    const elapsed = clock.now().getTime() - start.getTime();
    assert.ok(elapsed >= 4500 && elapsed < 20_000, `elapsed ${elapsed} sandbox ms`);
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
