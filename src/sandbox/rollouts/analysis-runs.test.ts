import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResult } from '../../core/metrics.ts';
import { reconcileRun, resolveArgs, valueString, type MetricQuery } from './analysis-runs.ts';
import type { AnalysisRun, Metric } from './types.ts';

const T0 = Date.parse('2026-05-20T14:00:00Z');
const vec = (...vs: number[]): QueryResult => ({ kind: 'vector', series: vs.map((v, i) => ({ labels: { i: String(i) }, sample: { t: T0 / 1000, v } })) });

function run(metrics: Metric[], extra: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'ns', uid: 'u', resourceVersion: '1' }, spec: { metrics, ...extra } };
}
const prom = (m: Partial<Metric> & { name: string }): Metric => ({ provider: { prometheus: { address: 'https://127.0.0.1:9', query: 'q' } }, ...m });

/** Reconciles every `stepMs` until `untilMs`, each query answered by `answers` in turn (the last repeats). */
function drive(r: AnalysisRun, answers: (QueryResult | { error: string })[], untilMs: number, stepMs = 1000): AnalysisRun {
  let i = 0;
  const query: MetricQuery = () => answers[Math.min(i++, answers.length - 1)]!;
  let current = r;
  for (let t = T0; t <= T0 + untilMs; t += stepMs) {
    current = { ...current, status: reconcileRun(current, t, query) };
    if (['Successful', 'Failed', 'Error', 'Inconclusive'].includes(current.status?.phase ?? '')) break;
  }
  return current;
}

test('interval, count and initialDelay: 3 measurements 10s apart after 5s, then Successful', () => {
  const r = drive(run([prom({ name: 'p99', interval: '10s', count: 3, initialDelay: '5s', successCondition: 'result[0] < 0.5' })]), [vec(0.2)], 60_000);
  const m = r.status!.metricResults![0]!;
  assert.equal(r.status!.phase, 'Successful');
  assert.deepEqual(m.measurements!.map((x) => x.finishedAt), ['2026-05-20T14:00:05Z', '2026-05-20T14:00:15Z', '2026-05-20T14:00:25Z']);
  assert.equal(m.measurements![0]!.value, '[0.2]');
  assert.deepEqual({ count: m.count, successful: m.successful }, { count: 3, successful: 3 });
  assert.equal(r.status!.runSummary!.successful, 1);
});

test('failureLimit: one Failed allowed, the second fails the metric and the run', () => {
  const r = drive(run([prom({ name: 'p99', interval: '10s', count: 5, failureLimit: 1, successCondition: 'result[0] < 0.5' })]), [vec(1.2), vec(0.2), vec(1.3)], 120_000);
  const m = r.status!.metricResults![0]!;
  assert.equal(r.status!.phase, 'Failed');
  assert.deepEqual(m.measurements!.map((x) => x.phase), ['Failed', 'Successful', 'Failed']);
  assert.equal(m.failed, 2);
  assert.match(r.status!.message ?? '', /^Metric "p99" assessed Failed due to failed \(2\) > failureLimit \(1\)/);
});

test('inconclusiveLimit: neither condition holds twice with a limit of 1', () => {
  const r = drive(run([prom({ name: 'p99', interval: '10s', count: 5, inconclusiveLimit: 1, successCondition: 'result[0] < 0.5', failureCondition: 'result[0] > 1' })]), [vec(0.7)], 120_000);
  assert.equal(r.status!.phase, 'Inconclusive');
  assert.equal(r.status!.metricResults![0]!.inconclusive, 2);
});

test('consecutiveErrorLimit: errors retry after 10s; limit 2 fails on the third in a row; an error does not count', () => {
  const r = drive(run([prom({ name: 'p99', interval: '30s', count: 5, consecutiveErrorLimit: 2, successCondition: 'result[0] < 0.5' })]), [{ error: 'connection refused' }], 120_000);
  const m = r.status!.metricResults![0]!;
  assert.equal(r.status!.phase, 'Error');
  assert.deepEqual(m.measurements!.map((x) => x.finishedAt), ['2026-05-20T14:00:00Z', '2026-05-20T14:00:10Z', '2026-05-20T14:00:20Z']);
  assert.deepEqual({ count: m.count, error: m.error, consecutiveError: m.consecutiveError }, { count: 0, error: 3, consecutiveError: 3 });
  assert.equal(m.measurements![0]!.message, 'connection refused');
});

test('consecutiveSuccessLimit: two in a row end the metric before its count', () => {
  const r = drive(run([prom({ name: 'p99', interval: '10s', count: 10, failureLimit: 3, consecutiveSuccessLimit: 2, successCondition: 'result[0] < 0.5' })]), [vec(0.9), vec(0.2), vec(0.2)], 300_000);
  assert.equal(r.status!.phase, 'Successful');
  assert.equal(r.status!.metricResults![0]!.count, 3);
});

test("upstream's empty result is an Error measurement, NaN a Failed one", () => {
  const empty = drive(run([prom({ name: 'p99', successCondition: 'result[0] < 0.5' })]), [vec()], 1000);
  assert.equal(empty.status!.metricResults![0]!.measurements![0]!.phase, 'Error');
  assert.match(empty.status!.metricResults![0]!.measurements![0]!.message ?? '', /no data returned/);
  const nan = drive(run([prom({ name: 'p99', successCondition: 'result[0] < 0.5' })]), [vec(Number.NaN)], 1000);
  assert.equal(nan.status!.phase, 'Failed');
  assert.equal(nan.status!.metricResults![0]!.measurements![0]!.value, '[NaN]');
});

test('the run takes the worst metric: Failed over Error over Inconclusive over Successful', () => {
  const metrics = [
    prom({ name: 'ok', successCondition: 'result[0] < 0.5' }),
    prom({ name: 'unsure', successCondition: 'result[0] < 0.5', failureCondition: 'result[0] > 1' }),
    prom({ name: 'bad', successCondition: 'result[0] < 0.5' }),
  ];
  const answers = new Map<string, QueryResult>([['a', vec(0.2)], ['b', vec(0.7)], ['c', vec(2)]]);
  const named = metrics.map((m, i) => ({ ...m, provider: { prometheus: { query: 'abc'[i]! } } }));
  const status = reconcileRun(run(named), T0, (q) => answers.get(q)!);
  assert.deepEqual(status.metricResults!.map((m) => m.phase), ['Successful', 'Inconclusive', 'Failed']);
  assert.equal(status.phase, 'Failed');
  assert.match(status.message ?? '', /^Metric "bad" assessed Failed/);
  const withoutBad = reconcileRun(run(named.slice(0, 2)), T0, (q) => answers.get(q)!);
  assert.equal(withoutBad.phase, 'Inconclusive');
});

test('args: {{args.x}} substituted (quotes kept escaped); an argument without a value is an Error run', () => {
  assert.equal(resolveArgs('{"q":"up{pod=~\\"{{args.hash}}\\"}"}', [{ name: 'hash', value: 'abc' }]), '{"q":"up{pod=~\\"abc\\"}"}');
  assert.deepEqual(resolveArgs('{{args.hash}}', [{ name: 'hash' }]), { error: 'args.hash was not resolved' });
  let seen = '';
  reconcileRun(run([prom({ name: 'p99', successCondition: 'true', provider: { prometheus: { query: 'x{h="{{args.hash}}"}' } } })], { args: [{ name: 'hash', value: 'h1"' }] }), T0, (q) => ((seen = q), vec(1)));
  assert.equal(seen, 'x{h="h1""}');
  const unresolved = reconcileRun(run([prom({ name: 'p99', successCondition: 'true', provider: { prometheus: { query: '{{args.hash}}' } } })], { args: [{ name: 'hash' }] }), T0, () => vec(1));
  assert.deepEqual({ phase: unresolved.phase, message: unresolved.message }, { phase: 'Error', message: 'args.hash was not resolved' });
});

test('a provider the sandbox does not evaluate is an Error, never a pass', () => {
  const r = drive(run([{ name: 'dd', interval: '10s', count: 2, successCondition: 'result < 1', provider: { datadog: { query: 'avg:x' } } }]), [vec(0)], 120_000);
  assert.equal(r.status!.phase, 'Error');
  assert.match(r.status!.metricResults![0]!.measurements![0]!.message ?? '', /does not evaluate datadog metrics/);
});

test('terminate: an unfinished metric is Successful and the run says "Run Terminated"', () => {
  const started = drive(run([prom({ name: 'p99', interval: '10s', count: 5, successCondition: 'result[0] < 0.5' })]), [vec(0.2)], 0);
  assert.equal(started.status!.phase, 'Running');
  const status = reconcileRun({ ...started, spec: { ...started.spec, terminate: true } }, T0 + 5000, () => vec(0.2));
  assert.deepEqual({ phase: status.phase, message: status.message }, { phase: 'Successful', message: 'Run Terminated' });
});

test('valueString writes what the Prometheus provider writes', () => {
  assert.equal(valueString({ kind: 'scalar', sample: { t: 0, v: 0.25 } }), '0.25');
  assert.equal(valueString(vec(0.1, Infinity)), '[0.1,+Inf]');
});
