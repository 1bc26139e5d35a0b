import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition, ExpressionError, parseCondition, type ExprValue } from './expression.ts';

const ev = (src: string, result: ExprValue) => evaluateCondition(parseCondition(src), result);

test('conditions as analysis templates write them', () => {
  const table: [string, ExprValue, boolean][] = [
    ['result[0] < 0.5', [0.31], true],
    ['result[0] < 0.5', [0.62], false],
    ['result < 0.5', 0.2, true],
    ['result[0] >= 0.95', [0.95], true],
    ['result[-1] > 1', [0, 2], true],
    ['len(result) == 0 || result[0] < 0.01', [], true],
    ['all(result, {# < 0.5})', [0.1, 0.4], true],
    ['all(result, {# < 0.5})', [0.1, 0.6], false],
    ['any(result, {# > 0.5})', [0.1, 0.6], true],
    ['none(result, # > 0.5)', [0.1, 0.2], true],
    ['one(result, {# > 0.5})', [0.7, 0.2], true],
    ['len(filter(result, {# > 0.5})) == 2', [0.7, 0.8, 0.1], true],
    ['count(result, {# > 0.5}) == 1', [0.7, 0.1], true],
    ['!(result[0] > 1)', [0.5], true],
    ['not (result[0] > 1) and result[0] > 0', [0.5], true],
    ['result[0] * 100 < 1 && result[0] >= 0', [0.005], true],
    ['result[0] / 2 + 1 == 1.25', [0.5], true],
    ['2 ** 3 ** 2 == 512', 0, true],
    ['-result[0] < 0', [1], true],
    ['isNaN(result[0])', [Number.NaN], true],
    ['isInf(result[0])', [Number.NEGATIVE_INFINITY], true],
    ['isNil(result)', null, true],
    ['default(result[0], 0) < 0.5', [], true],
    ['default(result, 0) < 0.5', null, true],
    ['asFloat("0.25") == 0.25', 0, true],
    ['asInt(result[0]) == 3', [3.9], true],
    ['max(result) < 1 && min(result) > 0', [0.2, 0.9], true],
    ['sum(result) == 3 && mean(result) == 1.5', [1, 2], true],
    ['abs(result - 1) < 0.1', 1.05, true],
    ['result[0] > 0.5 ? false : true', [0.1], true],
    ['1_000 == 1e3 && .5 == 0.5', 0, true],
    ['"a" + "b" == \'ab\'', 0, true],
    ['result == [1, 2]', [1, 2], true],
  ];
  for (const [src, result, want] of table) assert.equal(ev(src, result), want, `${src} with ${JSON.stringify(result)}`);
});

test('NaN compares false, as Go floats do: a NaN p99 is never "below 0.5"', () => {
  assert.equal(ev('result[0] < 0.5', [Number.NaN]), false);
  assert.equal(ev('result[0] >= 0.5', [Number.NaN]), false);
  assert.equal(ev('result[0] == result[0]', [Number.NaN]), false);
});

test('evaluation errors name the column', () => {
  const cases: [string, ExprValue, RegExp][] = [
    ['result[0] < 0.5', [], /index 0 out of range \(len 0\) \(column 7\)/],
    ['result < 0.5', [1, 2], /"<" needs a number, got list \(column 8\)/],
    ['result[0]', [1], /expected a boolean, got number/],
    ['isNaN(result)', [1], /isNaN\(\) needs a number, got list/],
    ['result[0] && true', [1], /&& needs a boolean, got number/],
    ['asFloat("x") > 1', 0, /asFloat\(\) cannot parse "x"/],
    ['min(result) > 0', [], /min\(\) of an empty list/],
  ];
  for (const [src, result, re] of cases) assert.throws(() => ev(src, result), (e: unknown) => e instanceof ExpressionError && re.test(e.message), src);
});

test('syntax errors name the column', () => {
  const cases: [string, number, RegExp][] = [
    ['result[0] <', 12, /ended early/],
    ['result[0 < 0.5', 15, /expected "\]"/],
    ['reslt[0] < 0.5', 1, /unknown name "reslt"/],
    ['median(result) < 1', 1, /unknown function "median"/],
    ['result[0] < 0.5 0.6', 17, /unexpected "0.6"/],
    ['# < 1', 1, /only meaningful inside a closure/],
    ['all(result)', 1, /takes a list and a closure/],
    ['result[0] @ 1', 11, /unexpected character "@"/],
    ['"open', 1, /unterminated string/],
    ['   ', 1, /empty/],
  ];
  for (const [src, column, re] of cases) {
    assert.throws(() => parseCondition(src), (e: unknown) => e instanceof ExpressionError && e.column === column && re.test(e.message), src);
  }
});
