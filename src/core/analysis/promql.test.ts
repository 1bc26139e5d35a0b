import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPromql, defaultDeadlineMs, rangeWindowMs } from './promql.ts';

const SEED_P99 = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))';

test('the seed query parses; broken ones name the column', () => {
  assert.equal(checkPromql(SEED_P99), undefined);
  assert.equal(checkPromql('sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))'), undefined);
  assert.deepEqual(checkPromql('sum(rate(x[5m])'), { message: 'unexpected end of the query', column: 16 });
  assert.equal(checkPromql('histogram_quantil(0.99, x)')?.message, 'unknown function "histogram_quantil"');
  assert.equal(checkPromql('rate(x[5m]) +')?.column, 14);
  assert.equal(checkPromql('  ')?.message, 'the query is empty');
});

test('the range window is the longest look-back along any path', () => {
  assert.equal(rangeWindowMs(SEED_P99), 5 * 60_000);
  assert.equal(rangeWindowMs('up'), 0);
  assert.equal(rangeWindowMs('rate(a[1m]) / rate(b[90s])'), 90_000);
  assert.equal(rangeWindowMs('rate(a[5m] offset 1m)'), 6 * 60_000);
  assert.equal(rangeWindowMs('max_over_time(rate(a[1m])[10m:30s])'), 10 * 60_000);
  assert.equal(rangeWindowMs('rate(a[1h30m])'), 90 * 60_000);
});

test('default deadline: window + 2 scrapes + rollout', () => {
  assert.equal(defaultDeadlineMs([SEED_P99, 'up'], { scrapeIntervalMs: 15_000, rolloutMs: 120_000 }), 300_000 + 30_000 + 120_000);
  assert.equal(defaultDeadlineMs([], { scrapeIntervalMs: 15_000, rolloutMs: 0 }), 30_000);
});

test('answers are remembered per query, unchanged and frozen: a caller cannot change what the next one reads', () => {
  const bad = 'sum(rate(x[5m])';
  const first = checkPromql(bad);
  assert.ok(first);
  assert.ok(Object.isFrozen(first));
  assert.deepEqual(checkPromql(bad), first);
  assert.equal(checkPromql('up'), undefined);
  assert.equal(rangeWindowMs('max_over_time(x[10m] offset 5m)'), 900_000);
  assert.equal(rangeWindowMs('max_over_time(x[10m] offset 5m)'), 900_000);
  assert.equal(rangeWindowMs('rate(x[1m])'), 60_000, 'another query, another answer');
});
