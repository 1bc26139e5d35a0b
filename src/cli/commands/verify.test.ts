import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparkline } from './verify.ts';

test('sparkline: scaled between min and max; NaN is a gap; flat is mid-height', () => {
  assert.equal(sparkline([0, 0.5, 1]), '▁▅█');
  assert.equal(sparkline([0.2, Number.NaN, 0.9]), '▁ █');
  assert.equal(sparkline([3, 3]), '▄▄');
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([Number.NaN]), '');
});
