import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResult } from '../metrics.ts';
import {
  assessMetric,
  assessRun,
  AnalysisSpecError,
  compileMetric,
  describeConditions,
  formatValues,
  isWorse,
  measure,
  nextMeasurementAt,
  type AnalysisPhase,
  type Measurement,
  type MeasurementPhase,
  type MetricAssessment,
  type MetricSpec,
} from './analysis.ts';

const vector = (...vs: number[]): QueryResult => ({ kind: 'vector', series: vs.map((v, i) => ({ labels: { i: String(i) }, sample: { t: 1, v } })) });
const scalar = (v: number): QueryResult => ({ kind: 'scalar', sample: { t: 1, v } });
const base: MetricSpec = { name: 'p99', query: 'q' };

test('a measurement from the conditions (evaluate.go), rewind semantics', () => {
  const only = (c: Partial<MetricSpec>) => compileMetric({ ...base, ...c });
  const table: [Partial<MetricSpec>, QueryResult, MeasurementPhase][] = [
    [{ successCondition: 'result[0] < 0.5' }, vector(0.3), 'Successful'],
    [{ successCondition: 'result[0] < 0.5' }, vector(0.7), 'Failed'],
    [{ failureCondition: 'result[0] >= 0.5' }, vector(0.3), 'Successful'],
    [{ failureCondition: 'result[0] >= 0.5' }, vector(0.7), 'Failed'],
    [{ successCondition: 'result[0] < 0.4', failureCondition: 'result[0] > 0.6' }, vector(0.5), 'Inconclusive'],
    [{ successCondition: 'result[0] < 0.4', failureCondition: 'result[0] > 0.6' }, vector(0.7), 'Failed'],
    // Both true: failure wins, as upstream.
    [{ successCondition: 'result[0] > 0', failureCondition: 'result[0] > 0.6' }, vector(0.7), 'Failed'],
    [{ successCondition: 'result < 0.5' }, scalar(0.1), 'Successful'],
    [{ successCondition: 'all(result, {# < 0.5})' }, { kind: 'matrix', series: [{ labels: {}, samples: [{ t: 1, v: 0.1 }, { t: 2, v: 0.2 }] }] }, 'Successful'],
    // rewind: no data and NaN are Inconclusive, never a pass, whatever the condition says.
    [{ successCondition: 'result[0] < 0.5' }, vector(), 'Inconclusive'],
    [{ failureCondition: 'result[0] >= 0.5' }, vector(Number.NaN), 'Inconclusive'],
    [{ successCondition: 'len(result) == 0' }, vector(), 'Inconclusive'],
    // A condition that cannot evaluate is an Error.
    [{ successCondition: 'result < 0.5' }, vector(0.1, 0.2), 'Error'],
  ];
  for (const [spec, answer, want] of table) assert.equal(measure(only(spec), answer, 0).phase, want, JSON.stringify(spec));
  assert.equal(measure(only({ successCondition: 'result[0] < 0.5' }), { error: 'prometheus: query: connection refused' }, 5).phase, 'Error');
});

test("upstream semantics: empty is Error, NaN is Failed, no condition is Successful", () => {
  const m = compileMetric({ ...base, successCondition: 'result[0] < 0.5' }, 'upstream');
  const empty = measure(m, vector(), 0, 'upstream');
  assert.equal(empty.phase, 'Error');
  assert.match(empty.message ?? '', /metric result is nil or empty/);
  assert.equal(measure(m, vector(Number.NaN), 0, 'upstream').phase, 'Failed');
  assert.equal(measure(compileMetric(base, 'upstream'), vector(9), 0, 'upstream').phase, 'Successful');
});

test('a metric with neither condition, or a broken one, is rejected', () => {
  assert.throws(() => compileMetric(base), (e: unknown) => e instanceof AnalysisSpecError && /neither successCondition nor failureCondition/.test(e.message));
  assert.throws(() => compileMetric({ ...base, failureCondition: 'result[0] >' }), (e: unknown) => e instanceof AnalysisSpecError && e.field === 'failureCondition' && e.column === 12);
});

const ms = (...phases: MeasurementPhase[]): Measurement[] => phases.map((phase, i) => ({ phase, at: i * 1000, values: [] }));
const S = 'Successful', F = 'Failed', I = 'Inconclusive', E = 'Error';

test('a metric phase from its measurements, for every limit (assessMetricStatus)', () => {
  const table: [string, Partial<MetricSpec>, MeasurementPhase[], AnalysisPhase, RegExp?][] = [
    ['nothing measured yet', { intervalMs: 1000 }, [], 'Pending'],
    ['no count, no interval: one measurement decides', {}, [S], 'Successful', /count \(1\) reached/],
    ['failureLimit 0 (default): one failure fails', { intervalMs: 1000, count: 5 }, [S, F], 'Failed', /failed \(1\) > failureLimit \(0\)/],
    ['failureLimit 2: two failures are allowed', { intervalMs: 1000, count: 5, failureLimit: 2 }, [F, F, S], 'Running'],
    ['failureLimit 2: the third fails', { intervalMs: 1000, count: 5, failureLimit: 2 }, [F, F, F], 'Failed'],
    ['failureLimit -1: failures do not count', { intervalMs: 1000, count: 3, failureLimit: -1 }, [F, F, S], 'Successful'],
    ['inconclusiveLimit 0 (default)', { intervalMs: 1000, count: 5 }, [I], 'Inconclusive', /inconclusive \(1\) > inconclusiveLimit \(0\)/],
    ['inconclusiveLimit 1', { intervalMs: 1000, count: 5, inconclusiveLimit: 1 }, [I, S], 'Running'],
    ['inconclusiveLimit -1: not applicable (rewind)', { intervalMs: 1000, count: 3, inconclusiveLimit: -1 }, [I, I, S], 'Successful'],
    ['consecutiveErrorLimit 4 (default): four errors in a row are tolerated', { intervalMs: 1000 }, [E, E, E, E], 'Running'],
    ['consecutiveErrorLimit 4: the fifth is Error', { intervalMs: 1000 }, [E, E, E, E, E], 'Error', /consecutiveErrors \(5\) > consecutiveErrorLimit \(4\)/],
    ['errors not in a row reset', { intervalMs: 1000, consecutiveErrorLimit: 1 }, [E, S, E, S], 'Running'],
    ['consecutiveErrorLimit 1', { intervalMs: 1000, consecutiveErrorLimit: 1 }, [E, E], 'Error'],
    ['errors do not count towards count', { intervalMs: 1000, count: 2 }, [E, S, E], 'Running'],
    ['count reached', { intervalMs: 1000, count: 2 }, [S, E, S], 'Successful'],
    ['consecutiveSuccessLimit reached', { intervalMs: 1000, consecutiveSuccessLimit: 3, failureLimit: -1 }, [F, F, S, S, S], 'Successful', /3 successful measurements in a row/],
    ['consecutiveSuccessLimit broken by a failure', { intervalMs: 1000, consecutiveSuccessLimit: 3, failureLimit: -1 }, [S, S, F, S], 'Running'],
    ['count reached without the streak, failureLimit applicable: Inconclusive', { intervalMs: 1000, count: 3, consecutiveSuccessLimit: 3, failureLimit: 1 }, [S, F, S], 'Inconclusive'],
    ['count reached without the streak, failureLimit off: Failed', { intervalMs: 1000, count: 3, consecutiveSuccessLimit: 3, failureLimit: -1 }, [S, F, S], 'Failed'],
    ['interval only: runs until a limit', { intervalMs: 1000 }, [S, S, S, S], 'Running'],
  ];
  for (const [name, spec, phases, want, msg] of table) {
    const a = assessMetric({ ...base, ...spec }, ms(...phases));
    assert.equal(a.phase, want, name);
    if (msg) assert.match(a.message, msg, name);
  }
});

test('the deadline: recovered means the streak before it, otherwise the last measurement says why', () => {
  const spec: MetricSpec = { ...base, intervalMs: 1000, consecutiveSuccessLimit: 3, failureLimit: -1, inconclusiveLimit: -1 };
  const at = (phases: MeasurementPhase[]) => assessMetric(spec, ms(...phases), { deadlinePassed: true });
  assert.equal(at([F, F]).phase, 'Failed');
  assert.equal(at([F, I]).phase, 'Inconclusive');
  assert.equal(at([F, E]).phase, 'Error');
  assert.equal(at([F, S, S]).phase, 'Inconclusive');
  assert.match(at([F, S, S]).message, /2 of 3 successes in a row/);
  assert.equal(at([F, S, S, S]).phase, 'Successful');
  assert.equal(at([]).phase, 'Inconclusive');
  assert.equal(assessMetric(spec, [], { terminating: true }).phase, 'Successful');
});

test('the run takes the worst metric in upstream order (IsWorse)', () => {
  const a = (name: string, phase: AnalysisPhase): MetricAssessment => ({
    name,
    phase,
    message: phase === 'Successful' ? '' : `${name} went ${phase}`,
    counts: { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, consecutiveSuccess: 0 },
  });
  assert.ok(isWorse('Successful', 'Inconclusive') && isWorse('Inconclusive', 'Error') && isWorse('Error', 'Failed'));
  assert.ok(!isWorse('Failed', 'Error'));
  assert.equal(assessRun([a('x', 'Successful'), a('y', 'Running')]).phase, 'Running');
  assert.equal(assessRun([a('x', 'Successful'), a('y', 'Inconclusive')]).phase, 'Inconclusive');
  assert.equal(assessRun([a('x', 'Error'), a('y', 'Inconclusive')]).phase, 'Error');
  const failed = assessRun([a('x', 'Error'), a('y', 'Failed'), a('z', 'Successful')]);
  assert.equal(failed.phase, 'Failed');
  assert.equal(failed.message, 'Metric "y" assessed Failed due to y went Failed');
  assert.equal(assessRun([a('x', 'Successful'), a('y', 'Successful')]).phase, 'Successful');
  assert.equal(assessRun([]).phase, 'Inconclusive');
});

test('when the next measurement is due (generateMetricTasks)', () => {
  const spec: MetricSpec = { ...base, intervalMs: 30_000, initialDelayMs: 60_000, count: 3 };
  assert.equal(nextMeasurementAt(spec, [], 1000), 61_000);
  assert.equal(nextMeasurementAt(spec, [{ phase: 'Successful', at: 70_000, values: [] }], 1000), 100_000);
  assert.equal(nextMeasurementAt(spec, [{ phase: 'Error', at: 70_000, values: [] }], 1000), 80_000);
  assert.equal(nextMeasurementAt(spec, ms(S, S, S), 0), undefined);
  assert.equal(nextMeasurementAt({ ...base }, ms(S), 0), undefined);
  assert.equal(nextMeasurementAt({ ...spec, count: 10 }, ms(F), 0), undefined, 'completed (Failed) needs no more');
});

test('values as Prometheus writes them; nothing is "(no data)", never 0', () => {
  assert.equal(formatValues([0.81234567]), '0.8123');
  assert.equal(formatValues([Number.NaN]), 'NaN');
  assert.equal(formatValues([0.1, Number.POSITIVE_INFINITY]), '[0.1, +Inf]');
  assert.equal(formatValues([]), '(no data)');
});

test('conditions for people: either, or both', () => {
  assert.equal(describeConditions({ successCondition: 'result[0] < 0.5' }), 'ok if result[0] < 0.5');
  assert.equal(describeConditions({ successCondition: 'result[0] < 0.5', failureCondition: 'result[0] > 2' }), 'ok if result[0] < 0.5; bad if result[0] > 2');
});
