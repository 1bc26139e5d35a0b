import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interleaved, ratio, show, summarize } from '../bench/stats.ts';

test('summarize: median of odd and even counts, min and max, whatever the order', () => {
  assert.deepEqual(summarize([30, 10, 20]), { median: 20, min: 10, max: 30, runs: 3 });
  assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, runs: 4 });
  assert.equal(show(summarize([1.04, 2.26, 9.99])), '2.3 ms (1-10)');
});

test('summarize refuses nothing-to-summarize: no values, or a NaN among them', () => {
  assert.throws(() => summarize([]), /0 of 0|not numbers/);
  assert.throws(() => summarize([1, Number.NaN, 3]), /1 of 3 values are not numbers/);
});

test('ratio compares medians, and has no answer against a zero or missing reference', () => {
  assert.equal(ratio(summarize([300]), summarize([100])), 3);
  assert.equal(ratio(summarize([300]), summarize([0])), undefined);
});

test('interleaved runs every side once per round, warm-ups uncounted, and refuses fewer than 7 runs', async () => {
  const order: string[] = [];
  const r = await interleaved({ a: () => Promise.resolve(order.push('a')), b: () => Promise.resolve(order.push('b')) }, 7, 2);
  assert.equal(r.a.runs, 7);
  assert.equal(r.b.runs, 7);
  assert.deepEqual(order.slice(0, 4), ['a', 'b', 'a', 'b']);
  assert.equal(order.length, 18);
  await assert.rejects(interleaved({ a: () => Promise.resolve() }, 3), /at least 7 runs/);
});
