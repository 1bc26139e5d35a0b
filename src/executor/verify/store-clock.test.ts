import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../../core/errors.ts';
import type { QueryResult } from '../../core/metrics.ts';
import type { Clock, MetricsSource } from '../../core/ports.ts';
import { storeClock } from './store-clock.ts';

function manualClock(start = 1_700_000_000_000): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return { slept, now: () => new Date(t), sleep: (ms) => (slept.push(ms), (t += ms), Promise.resolve()) };
}

/** A store whose clock is `offsetMs` ahead and runs `speed` times as fast as `local`. */
function storeOn(local: Clock, speed: number, offsetMs = 0, answer?: QueryResult): MetricsSource {
  const start = local.now().getTime();
  return {
    query: () => {
      const s = (start + offsetMs + (local.now().getTime() - start) * speed) / 1000;
      return Promise.resolve(answer ?? { kind: 'scalar', sample: { t: s, v: s } });
    },
    queryRange: () => Promise.reject(new Error('unused')),
    alerts: () => Promise.resolve([]),
  };
}

test("a store whose time runs 20 times faster (the sandbox): now and sleep follow the store's clock", async () => {
  const local = manualClock();
  const c = await storeClock(storeOn(local, 20, 3_600_000), local);
  assert.equal(c.rate, 20);
  const before = c.now().getTime();
  await c.sleep(30_000);
  assert.equal(local.slept.at(-1), 1500, '30 store-seconds are 1.5 local seconds');
  assert.equal(c.now().getTime() - before, 30_000);
});

test('a store on the wall clock, skewed by a minute: rate 1, its own now', async () => {
  const local = manualClock();
  const c = await storeClock(storeOn(local, 1.04, 60_000), local);
  assert.equal(c.rate, 1, 'a few percent is jitter, not a faster clock');
  assert.ok(Math.abs(c.now().getTime() - local.now().getTime() - 60_000) < 100);
});

test("a store that does not answer time() with a scalar: rewind's own clock", async () => {
  const local = manualClock();
  const c = await storeClock(storeOn(local, 20, 0, { kind: 'vector', series: [] }), local);
  assert.deepEqual([c.rate, c.now().getTime()], [1, local.now().getTime()]);
});

test('a store that cannot be reached: the adapter error, for the step to call it unreachable', async () => {
  const local = manualClock();
  const down = new AdapterError('prometheus', 'query', 'connection refused');
  await assert.rejects(storeClock({ ...storeOn(local, 1), query: () => Promise.reject(down) }, local), /connection refused/);
});
