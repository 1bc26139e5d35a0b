import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.ts';

test('durations as Prometheus reads them: whole units from the largest down, 0 alone', () => {
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1m500ms'), 60_500);
  assert.equal(parseDuration('90d'), 90 * 86_400_000);
  assert.equal(parseDuration('1y2w'), 365 * 86_400_000 + 14 * 86_400_000);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', '5', '5 m', 'abc', '1.5m', '30m1h', '5m5m', '-5m', '5M']) assert.equal(parseDuration(bad), undefined, bad);
});
