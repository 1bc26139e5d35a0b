import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { TallyHistogram } from './tally-histogram.ts';

const BUCKETS = [0.01, 0.1, 0.5, 1];
const LABELS = { service: 'catalog', namespace: 'shop', pod: 'catalog-abc' };

test("a TallyHistogram exposes the same text as prom-client's Histogram fed the same observations", async () => {
  const theirs = new Registry();
  const reference = new Histogram({ name: 'h_seconds', help: 'h.', labelNames: ['service', 'namespace', 'pod'], buckets: BUCKETS, registers: [theirs] }).labels(LABELS);
  const ours = new Registry();
  const tally = new TallyHistogram({ name: 'h_seconds', help: 'h.', buckets: BUCKETS, labels: LABELS, registry: ours });
  // On a bound, between bounds, above every bound, and sums that are not exact in binary.
  for (const v of [0.01, 0.005, 0.3, 0.1, 0.7, 2.5, 0.3, 0.1, 1, 7.25]) {
    reference.observe(v);
    tally.observeAt(tally.bucketOf(v), v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('a TallyHistogram with no observations exposes zero buckets, as the labelled Histogram does', async () => {
  const theirs = new Registry();
  new Histogram({ name: 'h_seconds', help: 'h.', labelNames: ['service', 'namespace', 'pod'], buckets: BUCKETS, registers: [theirs] }).labels(LABELS).observe(0);
  const ours = new Registry();
  const tally = new TallyHistogram({ name: 'h_seconds', help: 'h.', buckets: BUCKETS, labels: LABELS, registry: ours });
  tally.observeAt(tally.bucketOf(0), 0);
  assert.equal(await ours.metrics(), await theirs.metrics());
  assert.equal(tally.bucketOf(99), BUCKETS.length);
});
