import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValues, sparkline } from './verify.ts';

test('sparkline: scaled between min and max; NaN is a gap; flat is mid-height', () => {
  assert.equal(sparkline([0, 0.5, 1]), '▁▅█');
  assert.equal(sparkline([0.2, Number.NaN, 0.9]), '▁ █');
  assert.equal(sparkline([3, 3]), '▄▄');
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([Number.NaN]), '');
});

test('values as Prometheus writes them; nothing is "(no data)", never 0', () => {
  assert.equal(formatValues([0.81234567]), '0.8123');
  assert.equal(formatValues([Number.NaN]), 'NaN');
  assert.equal(formatValues([0.1, Number.POSITIVE_INFINITY]), '[0.1, +Inf]');
  assert.equal(formatValues([]), '(no data)');
});
