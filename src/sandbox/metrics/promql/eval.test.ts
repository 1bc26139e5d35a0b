import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tsdb } from '../tsdb.ts';
import { evaluate } from './eval.ts';
import { parsePromQL } from './parse.ts';
import { ExecutionError, type Value } from './values.ts';

const T = 1_000_000_000; // ms: the evaluation time of every query below
const s = (sec: number): number => T + sec * 1000;

/** A small store: two pods' request counters (code 200/500), a histogram, and a gauge with a stale marker. */
function store(): Tsdb {
  const db = new Tsdb(2 * 3600_000);
  const put = (labels: Record<string, string>, pts: [number, number | null][]): void => pts.forEach(([sec, v]) => db.append(labels, s(sec), v));
  const req = (pod: string, code: string) => ({ __name__: 'req_total', job: 'api', pod, code });
  // +60 per 15 s = 4/s for pod a's 200s; 1/s for its 500s; pod b: 2/s 200s, no 500s.
  put(req('a', '200'), [[-60, 0], [-45, 60], [-30, 120], [-15, 180], [0, 240]]);
  put(req('a', '500'), [[-60, 0], [-45, 15], [-30, 30], [-15, 45], [0, 60]]);
  put(req('b', '200'), [[-60, 0], [-45, 30], [-30, 60], [-15, 90], [0, 120]]);
  const bucket = (le: string) => ({ __name__: 'lat_bucket', job: 'api', le });
  // Over the last minute: 60 observations ≤ 0.1, 90 ≤ 0.5, 100 in all.
  put(bucket('0.1'), [[-60, 0], [0, 60]]);
  put(bucket('0.5'), [[-60, 0], [0, 90]]);
  put(bucket('+Inf'), [[-60, 0], [0, 100]]);
  put({ __name__: 'temp', room: 'x' }, [[-400, 1], [-299, 21]]); // 299 s old: within the 5m lookback
  put({ __name__: 'temp', room: 'y' }, [[-301, 30]]); // 301 s old: outside
  put({ __name__: 'temp', room: 'z' }, [[-10, 5], [-5, null]]); // stale since 5 s
  put({ __name__: 'edge', room: 'x' }, [[-300, 7]]); // exactly 5m old: 2.x still sees it
  return db;
}

const db = store();
const q = (text: string): Value => evaluate(parsePromQL(text), T, { db });

function vec(text: string): Record<string, number> {
  const v = q(text);
  assert.equal(v.type, 'vector', `${text} is a vector`);
  const out: Record<string, number> = {};
  if (v.type === 'vector') for (const x of v.samples) out[JSON.stringify(Object.entries(x.labels).sort(([a], [b]) => a.localeCompare(b)))] = x.v;
  return out;
}
const L = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const scalar = (text: string): number => {
  const v = q(text);
  assert.equal(v.type, 'scalar');
  return v.type === 'scalar' ? v.v : NaN;
};

test('instant selectors: all four matcher types, a missing label matching ""', () => {
  assert.deepEqual(Object.keys(vec('req_total{code="500"}')), [L({ __name__: 'req_total', job: 'api', pod: 'a', code: '500' })]);
  assert.equal(Object.keys(vec('req_total{code!="500"}')).length, 2);
  assert.equal(Object.keys(vec('req_total{pod=~"a|b", code=~"2.."}')).length, 2);
  assert.equal(Object.keys(vec('req_total{pod!~"a"}')).length, 1);
  // Regexes are anchored: "2" does not match "200".
  assert.equal(Object.keys(vec('req_total{code=~"2"}')).length, 0);
  assert.equal(Object.keys(vec('temp{nothere=""}')).length, 1 + 0 + 0);
  assert.equal(vec('{__name__="req_total", pod="b"}')[L({ __name__: 'req_total', job: 'api', pod: 'b', code: '200' })], 120);
});

test('instant selectors: 5m lookback closed at both ends (2.x), stale markers end a series at once', () => {
  assert.deepEqual(vec('temp'), { [L({ __name__: 'temp', room: 'x' })]: 21 });
  assert.deepEqual(vec('edge'), { [L({ __name__: 'edge', room: 'x' })]: 7 });
});

test('offset moves the evaluation time back', () => {
  assert.equal(vec('req_total{pod="a",code="200"} offset 30s')[L({ __name__: 'req_total', job: 'api', pod: 'a', code: '200' })], 120);
  assert.equal(vec('req_total{pod="a",code="200"} offset 20s')[L({ __name__: 'req_total', job: 'api', pod: 'a', code: '200' })], 120);
});

test('range selectors take [t-range, t], both ends closed (2.x)', () => {
  const v = q('req_total{pod="a",code="200"}[30s]');
  assert.equal(v.type, 'matrix');
  if (v.type === 'matrix') assert.deepEqual(v.series[0]!.points.map((p) => (p.t - T) / 1000), [-30, -15, 0]);
});

test('rate, increase and irate drop the metric name', () => {
  assert.deepEqual(vec('rate(req_total{code="200"}[1m])'), { [L({ job: 'api', pod: 'a', code: '200' })]: 4, [L({ job: 'api', pod: 'b', code: '200' })]: 2 });
  assert.deepEqual(vec('increase(req_total{pod="a",code="500"}[1m])'), { [L({ job: 'api', pod: 'a', code: '500' })]: 60 });
  assert.deepEqual(vec('irate(req_total{pod="b"}[1m])'), { [L({ job: 'api', pod: 'b', code: '200' })]: 2 });
  // offset shifts the window to [−90 s, −30 s]: samples −60..−30 of pod a (0, 60, 120). The counter starts at 0,
  // so the start is not extrapolated past its zero point: 120 over 30 s, divided by the 60 s range → 2/s.
  assert.equal(vec('rate(req_total{pod="a",code="200"}[1m] offset 30s)')[L({ job: 'api', pod: 'a', code: '200' })], 2);
});

test('aggregations with by and without', () => {
  assert.deepEqual(vec('sum(rate(req_total[1m]))'), { '[]': 7 });
  assert.deepEqual(vec('sum by (code) (rate(req_total[1m]))'), { [L({ code: '200' })]: 6, [L({ code: '500' })]: 1 });
  assert.deepEqual(vec('sum(rate(req_total[1m])) by (pod)'), { [L({ pod: 'a' })]: 5, [L({ pod: 'b' })]: 2 });
  assert.deepEqual(vec('sum without (code) (req_total)'), { [L({ job: 'api', pod: 'a' })]: 300, [L({ job: 'api', pod: 'b' })]: 120 });
  // Prometheus' incremental mean over 4, 1, 2 (in that order), float rounding included.
  assert.deepEqual(vec('avg by (job) (rate(req_total[1m]))'), { [L({ job: 'api' })]: 2.5 + 2 / 3 - 2.5 / 3 });
  assert.deepEqual(vec('min(rate(req_total[1m]))'), { '[]': 1 });
  assert.deepEqual(vec('max by (pod) (rate(req_total[1m]))'), { [L({ pod: 'a' })]: 4, [L({ pod: 'b' })]: 2 });
  assert.deepEqual(vec('count by (pod) (req_total)'), { [L({ pod: 'a' })]: 2, [L({ pod: 'b' })]: 1 });
});

test('histogram_quantile over summed rates drops le and the name', () => {
  // rank 99 of 100 lies in (0.5, +Inf] → the highest finite bound.
  assert.deepEqual(vec('histogram_quantile(0.99, sum by (le) (rate(lat_bucket[1m])))'), { '[]': 0.5 });
  // p75: rank 75 in (0.1, 0.5]: 0.1 + 0.4 × 15/30.
  const p75 = vec('histogram_quantile(0.75, rate(lat_bucket[1m]))')[L({ job: 'api' })]!;
  assert.ok(Math.abs(p75 - 0.3) < 1e-12, String(p75));
});

test('arithmetic between scalars, scalar and vector, vector and vector', () => {
  assert.equal(scalar('1 + 2 * 3 - 4 / 2'), 5);
  assert.equal(scalar('2 ^ 3 ^ 2'), 512); // right-associative
  assert.equal(scalar('7 % 4'), 3);
  assert.equal(scalar('-7 % 4'), -3); // Go's math.Mod keeps the dividend's sign
  assert.deepEqual(vec('req_total{pod="b"} * 2'), { [L({ job: 'api', pod: 'b', code: '200' })]: 240 });
  assert.deepEqual(vec('1000 - req_total{pod="b"}'), { [L({ job: 'api', pod: 'b', code: '200' })]: 880 });
  assert.deepEqual(vec('-req_total{pod="b"}'), { [L({ job: 'api', pod: 'b', code: '200' })]: -120 });
  // One-to-one on all labels but the name: a's 200 and 500 series each find their own partner.
  assert.deepEqual(vec('rate(req_total{pod="a"}[1m]) / rate(req_total{pod="a"}[1m])'), { [L({ job: 'api', pod: 'a', code: '200' })]: 1, [L({ job: 'api', pod: 'a', code: '500' })]: 1 });
});

test('comparisons filter (keeping the name), or answer 0/1 with bool (dropping it)', () => {
  assert.deepEqual(vec('req_total > 150'), { [L({ __name__: 'req_total', job: 'api', pod: 'a', code: '200' })]: 240 });
  assert.deepEqual(vec('150 < req_total'), { [L({ __name__: 'req_total', job: 'api', pod: 'a', code: '200' })]: 240 });
  assert.deepEqual(vec('req_total{pod="a"} >= bool 240'), { [L({ job: 'api', pod: 'a', code: '200' })]: 1, [L({ job: 'api', pod: 'a', code: '500' })]: 0 });
  assert.equal(Object.keys(vec('req_total == 60')).length, 1);
  assert.equal(Object.keys(vec('req_total != 60')).length, 2);
  assert.equal(Object.keys(vec('req_total <= 120')).length, 2);
  assert.equal(scalar('2 > bool 1'), 1);
  assert.equal(scalar('2 == bool 1'), 0);
});

test('on, ignoring, group_left and group_right', () => {
  const ratio = vec('sum by (pod) (rate(req_total{code="500"}[1m])) / on(pod) sum by (pod) (rate(req_total[1m]))');
  assert.deepEqual(ratio, { [L({ pod: 'a' })]: 0.2 });
  // Each code's share of its pod: many (per code) to one (per pod), the pod's labels kept.
  const share = vec('rate(req_total[1m]) / ignoring(code) group_left sum without (code) (rate(req_total[1m]))');
  assert.deepEqual(share, { [L({ job: 'api', pod: 'a', code: '200' })]: 0.8, [L({ job: 'api', pod: 'a', code: '500' })]: 0.2, [L({ job: 'api', pod: 'b', code: '200' })]: 1 });
  const right = vec('sum by (job) (rate(req_total[1m])) / on(job) group_right sum by (job, pod) (rate(req_total[1m]))');
  assert.deepEqual(right, { [L({ job: 'api', pod: 'a' })]: 7 / 5, [L({ job: 'api', pod: 'b' })]: 7 / 2 });
  // group_left(label) copies a label from the one side.
  const withLabel = vec('sum by (pod, code) (req_total) * on(pod) group_left(job) sum by (pod, job) (req_total{code="200"}) > 0');
  assert.equal(Object.keys(withLabel).length, 3);
  assert.ok(Object.keys(withLabel).every((k) => k.includes('"job","api"')));
});

test('many-to-many matching is an execution error, as are duplicate label sets', () => {
  assert.throws(() => q('req_total / ignoring(code) req_total{code="200"} * 0 + on(job) req_total'), ExecutionError);
  assert.throws(() => q('rate(req_total[1m]) + on(job) rate(req_total[1m])'), /multiple matches|duplicate series/);
  assert.throws(() => q('sum by (pod) (req_total) + ignoring(pod) sum by (pod) (req_total)'), /duplicate series/);
});

test('and, or, unless', () => {
  assert.equal(Object.keys(vec('req_total and req_total{pod="a"}')).length, 2);
  assert.equal(Object.keys(vec('req_total and on(pod) req_total{code="500"}')).length, 2);
  assert.equal(Object.keys(vec('req_total unless on(pod) req_total{code="500"}')).length, 1);
  assert.deepEqual(vec('req_total{pod="b"} or vector(5)'), { [L({ __name__: 'req_total', job: 'api', pod: 'b', code: '200' })]: 120, '[]': 5 });
  assert.deepEqual(vec('nothing or vector(5)'), { '[]': 5 });
  assert.deepEqual(vec('req_total and nothing'), {});
  assert.equal(Object.keys(vec('req_total unless nothing')).length, 3);
});

test('absent, clamp_min, clamp_max, vector, scalar, time', () => {
  assert.deepEqual(vec('absent(nothing{job="api", pod=~"x", code="1", code="2"})'), { [L({ job: 'api' })]: 1 });
  assert.deepEqual(vec('absent(req_total)'), {});
  assert.deepEqual(vec('clamp_min(req_total{pod="b"}, 500)'), { [L({ job: 'api', pod: 'b', code: '200' })]: 500 });
  assert.deepEqual(vec('clamp_max(req_total{pod="b"}, 100)'), { [L({ job: 'api', pod: 'b', code: '200' })]: 100 });
  assert.deepEqual(vec('vector(3)'), { '[]': 3 });
  assert.equal(scalar('scalar(req_total{pod="b"})'), 120);
  assert.ok(Number.isNaN(scalar('scalar(req_total)')));
  assert.equal(scalar('time()'), T / 1000);
});

test('regex matchers: `.` stops at a newline, as Go\'s default in Prometheus 2.x', () => {
  const db = new Tsdb(3600_000);
  db.append({ __name__: 'm', text: 'a\nb' }, T, 1);
  const count = (text: string): number => {
    const v = evaluate(parsePromQL(text), T, { db });
    return v.type === 'vector' ? v.samples.length : -1;
  };
  assert.equal(count('m{text=~"a.b"}'), 0);
  assert.equal(count('m{text=~"a\\nb"}'), 1);
});
