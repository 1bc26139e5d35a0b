import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../../core/errors.ts';
import type { QueryResult } from '../../core/metrics.ts';
import type { Clock, MetricsSource } from '../../core/ports.ts';
import { runAnalysis } from './run-analysis.ts';

/** A clock that only moves when the loop sleeps: no wall-clock time in the test. */
function manualClock(start = 1_000_000): Clock & { readonly slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(now),
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** A source whose answer is a function of the fake time (a p99 that recovers at `recoverAt`). */
function scripted(clock: Clock, value: (t: number) => number | Error | undefined): MetricsSource & { calls: number } {
  const s = {
    calls: 0,
    query(): Promise<QueryResult> {
      s.calls++;
      const v = value(clock.now().getTime());
      if (v instanceof Error) return Promise.reject(v);
      return Promise.resolve(v === undefined ? { kind: 'vector', series: [] } : { kind: 'vector', series: [{ labels: {}, sample: { t: 0, v } }] });
    },
    queryRange: () => Promise.reject(new Error('unused')),
    alerts: () => Promise.resolve([]),
  };
  return s;
}

const p99 = { name: 'p99', query: 'q', successCondition: 'result[0] < 0.5', intervalMs: 30_000, consecutiveSuccessLimit: 3, failureLimit: -1, inconclusiveLimit: -1 };

test('recovered: failures while the window still holds old samples, then 3 successes in a row', async () => {
  const clock = manualClock();
  const t0 = clock.now().getTime();
  const source = scripted(clock, (t) => (t - t0 < 100_000 ? 0.9 : 0.2));
  const seen: string[] = [];
  const out = await runAnalysis({ source, metrics: [p99], clock, deadlineMs: 600_000, onMeasurement: (_m, m) => seen.push(m.phase) });
  assert.equal(out.run.phase, 'Successful');
  assert.deepEqual(seen, ['Failed', 'Failed', 'Failed', 'Failed', 'Successful', 'Successful', 'Successful']);
  assert.ok(clock.slept.length > 0 && clock.slept.every((ms) => ms === 30_000), `slept ${JSON.stringify(clock.slept)}`);
});

test('still slow at the deadline: Failed, with the numbers', async () => {
  const clock = manualClock();
  const out = await runAnalysis({ source: scripted(clock, () => 0.8), metrics: [p99], clock, deadlineMs: 120_000 });
  assert.equal(out.run.phase, 'Failed');
  assert.match(out.run.message, /successCondition "result\[0\] < 0.5" is false for \[0.8\]/);
  assert.equal(out.measurements['p99']?.length, 4, 'measured at 0, 30, 60, 90 s; the deadline ended it at 120 s');
});

test('a query that returns nothing: Inconclusive, never a pass', async () => {
  const clock = manualClock();
  const out = await runAnalysis({ source: scripted(clock, () => undefined), metrics: [p99], clock, deadlineMs: 90_000 });
  assert.equal(out.run.phase, 'Inconclusive');
  assert.match(out.run.message, /no data/);
});

test('Prometheus down: Error after consecutiveErrorLimit, retried every 10 s', async () => {
  const clock = manualClock();
  const down = new AdapterError('prometheus', 'query', 'cannot reach http://127.0.0.1:9 (connection refused)', { transient: true });
  const source = scripted(clock, () => down);
  const out = await runAnalysis({ source, metrics: [p99], clock, deadlineMs: 600_000 });
  assert.equal(out.run.phase, 'Error');
  assert.equal(source.calls, 5);
  assert.match(out.run.message, /consecutiveErrors \(5\) > consecutiveErrorLimit \(4\).*connection refused/);
  assert.deepEqual(clock.slept, [10_000, 10_000, 10_000, 10_000]);
});

test('Ctrl-C interrupts the wait', async () => {
  const clock = manualClock();
  const ac = new AbortController();
  const source = scripted(clock, () => {
    ac.abort();
    return 0.9;
  });
  // The signal's own reason, not any error: a bug that throws must not pass as "interrupted".
  await assert.rejects(runAnalysis({ source, metrics: [p99], clock, deadlineMs: 600_000, signal: ac.signal }), (e: unknown) => e === ac.signal.reason);
});
