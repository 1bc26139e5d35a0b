import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExp, formatValue } from './api-format.ts';

test('values as Go\'s FormatFloat(v, \'f\', -1, 64): no exponents, Prometheus\' spelling of the specials', () => {
  assert.equal(formatValue(0.5), '0.5');
  assert.equal(formatValue(42), '42');
  assert.equal(formatValue(1e21), '1000000000000000000000');
  assert.equal(formatValue(1.5e-7), '0.00000015');
  assert.equal(formatValue(-2.5e-8), '-0.000000025');
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(NaN), 'NaN');
});

test('alert values as FormatFloat(v, \'e\', -1, 64)', () => {
  assert.equal(formatExp(1.5), '1.5e+00');
  assert.equal(formatExp(0.0476), '4.76e-02');
  assert.equal(formatExp(123456), '1.23456e+05');
  assert.equal(formatExp(1e100), '1e+100');
});
