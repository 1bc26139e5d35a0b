import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketQuantile } from './quantile.ts';

const b = (pairs: [number, number][]) => pairs.map(([upperBound, count]) => ({ upperBound, count }));

test('histogram_quantile interpolates inside the bucket holding the rank', () => {
  // 100 observations: 50 ≤ 0.1, 90 ≤ 0.5, 100 ≤ 1. p99: rank 99 in (0.5, 1], 9 of 10 → 0.5 + 0.5 × 0.9.
  const buckets = b([[0.1, 50], [0.5, 90], [1, 100], [Infinity, 100]]);
  assert.equal(bucketQuantile(0.99, buckets), 0.95);
  // p50: rank 50 reached in the first bucket: 0 + 0.1 × 50/50.
  assert.equal(bucketQuantile(0.5, buckets), 0.1);
  // p70: rank 70 in (0.1, 0.5]: 0.1 + 0.4 × 20/40.
  assert.ok(Math.abs(bucketQuantile(0.7, buckets) - 0.3) < 1e-12);
});

test('histogram_quantile: the rank in +Inf answers the highest finite bound', () => {
  assert.equal(bucketQuantile(0.99, b([[0.5, 10], [1, 90], [Infinity, 100]])), 1);
});

test('histogram_quantile: no +Inf bucket, no observations, or q out of range', () => {
  assert.ok(Number.isNaN(bucketQuantile(0.5, b([[0.5, 10], [1, 20]]))));
  assert.ok(Number.isNaN(bucketQuantile(0.5, b([[0.5, 0], [Infinity, 0]]))));
  assert.ok(Number.isNaN(bucketQuantile(NaN, b([[0.5, 1], [Infinity, 1]]))));
  assert.equal(bucketQuantile(-1, b([[0.5, 1], [Infinity, 1]])), -Infinity);
  assert.equal(bucketQuantile(2, b([[0.5, 1], [Infinity, 1]])), Infinity);
});

test('histogram_quantile: unsorted, duplicate bounds merged, non-monotonic counts fixed', () => {
  // Duplicate 0.5 buckets (e.g. two series summed badly) add up; a dip at 1 is raised to the max so far.
  const buckets = b([[Infinity, 100], [0.5, 40], [0.5, 40], [1, 70], [0.25, 20]]);
  // Merged: 0.25:20, 0.5:80, 1:80 (raised), +Inf:100. p50: rank 50 in (0.25, 0.5]: 0.25 + 0.25 × 30/60.
  assert.equal(bucketQuantile(0.5, buckets), 0.375);
});

test('histogram_quantile: a first bucket with a bound ≤ 0 answers that bound', () => {
  assert.equal(bucketQuantile(0.1, b([[0, 10], [1, 20], [Infinity, 20]])), 0);
});
