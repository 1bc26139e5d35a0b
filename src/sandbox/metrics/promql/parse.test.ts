import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromQL, PromQLError } from './parse.ts';

test('parses the seed query into selectors, a rate, an aggregation and a quantile', () => {
  const e = parsePromQL('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))');
  assert.equal(e.kind, 'call');
  if (e.kind !== 'call') return;
  assert.equal(e.fn, 'histogram_quantile');
  const agg = e.args[1]!;
  assert.ok(agg.kind === 'aggregate' && agg.op === 'sum' && agg.grouping.join() === 'le' && !agg.without);
  const rate = agg.kind === 'aggregate' ? agg.expr : undefined;
  assert.ok(rate?.kind === 'call' && rate.args[0]?.kind === 'matrix' && rate.args[0].rangeMs === 300_000);
});

test('durations, offsets (negative too), strings with escapes, numbers', () => {
  const e = parsePromQL("rate(x{a='it\\'s', b=`raw\\n`}[1h30m] offset -90s)");
  const m = e.kind === 'call' ? e.args[0] : undefined;
  assert.ok(m?.kind === 'matrix');
  assert.equal(m.rangeMs, 5_400_000);
  assert.equal(m.vector.offsetMs, -90_000);
  assert.deepEqual(m.vector.matchers.map((x) => x.value), ['x', "it's", 'raw\\n']);
  assert.deepEqual(parsePromQL('0x1f'), { kind: 'number', value: 31 });
  assert.deepEqual(parsePromQL('-1e3'), { kind: 'number', value: -1000 });
  assert.equal((parsePromQL('Inf') as { value: number }).value, Infinity);
});

test('anything outside the subset is refused, naming what', () => {
  for (const [q, what] of [
    ['topk(3, x)', 'topk'],
    ['quantile(0.5, x)', 'quantile'],
    ['delta(x[5m])', 'delta()'],
    ['rate(x[5m:1m])', 'subqueries'],
    ['x @ 100', '@ modifier'],
    ['label_replace(x, "a", "b", "c", "d")', 'label_replace()'],
    ['x atan2 y', 'atan2'],
  ] as const) {
    assert.throws(() => parsePromQL(q), (e: Error) => e instanceof PromQLError && e.message.includes('unsupported') && e.message.includes(what), q);
  }
});

test('type errors, as Prometheus words them', () => {
  const cases: [string, RegExp][] = [
    ['rate(x)', /expected type range vector in call to function "rate", got instant vector/],
    ['sum(x[5m])', /expected type instant vector in aggregation expression, got range vector/],
    ['x[5m] + 1', /binary expression must contain only scalar and instant vector types/],
    ['1 > 2', /comparisons between scalars must use BOOL modifier/],
    ['x + bool y', /bool modifier can only be used on comparison operators/],
    ['x and 1', /set operator "and" not allowed in binary scalar expression/],
    ['x and on(a) group_left y', /no grouping allowed for "and" operation/],
    ['{a=""}', /at least one non-empty matcher/],
    ['{a=~".*"}', /at least one non-empty matcher/],
    ['rate(x[5m], 1)', /expected 1 argument\(s\) in call to "rate", got 2/],
    ['x{a=~"("}', /invalid regular expression/],
    ['sum(x', /parse error/],
    ['x[5]', /durations need a unit/],
  ];
  for (const [q, re] of cases) assert.throws(() => parsePromQL(q), (e: Error) => e instanceof PromQLError && re.test(e.message), q);
});
