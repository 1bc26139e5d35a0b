/**
 * Argo Rollouts-style analysis as a pure function of measurements: a metric's measurements give
 * its phase, the run takes the worst metric. No clock, no I/O: the loop that queries and sleeps
 * lives in the executor and calls these.
 *
 * Followed (argoproj/argo-rollouts): `utils/evaluate/evaluate.go` (a measurement's phase from the
 * two conditions), `metricproviders/prometheus/prometheus.go` (a vector or matrix becomes a list
 * of floats, a scalar a float), `analysis/analysis.go` (`assessMetricStatus`,
 * `assessMetricFailureInconclusiveOrError`, the counters `runMeasurements` keeps,
 * `generateMetricTasks` for when the next measurement is due, `DefaultErrorRetryInterval`),
 * `utils/analysis/helpers.go` (`IsWorse` and its phase order), `pkg/apis/rollouts/v1alpha1`
 * (`EffectiveCount`), `utils/defaults/defaults.go` (`DefaultConsecutiveErrorLimit` = 4).
 */
import { resultValues, type QueryResult } from '../metrics.ts';
import { evaluateCondition, ExpressionError, parseCondition, type Condition } from './expression.ts';

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Inconclusive' | 'Error' | 'Failed';
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** Best to worst, as upstream's `analysisStatusOrder`. */
export const PHASE_ORDER: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

/** True when `next` is worse than `current` (upstream `IsWorse`). */
export function isWorse(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return PHASE_ORDER.indexOf(next) > PHASE_ORDER.indexOf(current);
}

export const isCompleted = (p: AnalysisPhase): boolean => p === 'Successful' || p === 'Failed' || p === 'Inconclusive' || p === 'Error';

/** Upstream retries an errored measurement after 10s whatever the interval. */
export const ERROR_RETRY_INTERVAL_MS = 10_000;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** One metric as an AnalysisTemplate writes it (durations already in milliseconds). */
export interface MetricSpec {
  readonly name: string;
  readonly query: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly intervalMs?: number;
  readonly count?: number;
  readonly initialDelayMs?: number;
  /** Failed measurements allowed; default 0; negative: not applicable. */
  readonly failureLimit?: number;
  /** Inconclusive measurements allowed; default 0; negative: not applicable (a rewind extension). */
  readonly inconclusiveLimit?: number;
  /** Errors in a row allowed; default 4. */
  readonly consecutiveErrorLimit?: number;
  /** Successes in a row that make the metric Successful; default 0 (off). */
  readonly consecutiveSuccessLimit?: number;
}

export interface CompiledMetric extends MetricSpec {
  readonly success?: Condition;
  readonly failure?: Condition;
}

/**
 * How empty results and NaN count. `rewind` (rewind's own verification): both are Inconclusive,
 * because "no data" is not "good data". `upstream` (what Argo Rollouts does, for the sandbox's
 * Rollouts controller): the empty list reaches the condition, `result[0]` fails to evaluate and
 * the measurement is Error; NaN reaches the condition, compares false and the measurement is
 * Failed (or Inconclusive with both conditions); a metric with no condition is Successful.
 */
export type Semantics = 'rewind' | 'upstream';

export class AnalysisSpecError extends Error {
  /** Which field is wrong: "successCondition", "failureCondition" or "" for the metric. */
  readonly field: string;
  readonly column: number | undefined;
  constructor(message: string, field: string, column?: number) {
    super(message);
    this.name = 'AnalysisSpecError';
    this.field = field;
    this.column = column;
  }
}

/** Parses the conditions once; rejects a metric with neither (upstream silently passes it). */
export function compileMetric(spec: MetricSpec, semantics: Semantics = 'rewind'): CompiledMetric {
  const parse = (field: 'successCondition' | 'failureCondition'): Condition | undefined => {
    const text = spec[field];
    if (text === undefined) return undefined;
    try {
      return parseCondition(text);
    } catch (e) {
      if (e instanceof ExpressionError) throw new AnalysisSpecError(`${field} "${text}": ${e.message}`, field, e.column);
      throw e;
    }
  };
  const success = parse('successCondition');
  const failure = parse('failureCondition');
  if (success === undefined && failure === undefined && semantics === 'rewind') {
    throw new AnalysisSpecError(`metric "${spec.name}" has neither successCondition nor failureCondition: nothing would be checked`, '');
  }
  return Object.freeze({ ...spec, ...(success ? { success } : {}), ...(failure ? { failure } : {}) });
}

export interface Measurement {
  readonly phase: MeasurementPhase;
  /** Milliseconds since the epoch, when the measurement finished. */
  readonly at: number;
  /** The values the conditions saw (empty when the query failed or returned nothing). */
  readonly values: readonly number[];
  /** Why, for Inconclusive and Error; the condition that decided otherwise. */
  readonly message?: string;
}

const formatValue = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');

/** A measurement's values as Prometheus writes them: `0.8123`, `[0.1, +Inf]`; nothing is `(no data)`, never 0. */
export function formatValues(values: readonly number[]): string {
  if (values.length === 0) return '(no data)';
  return values.length === 1 ? formatValue(values[0] ?? Number.NaN) : `[${values.map(formatValue).join(', ')}]`;
}

/** A metric's conditions for people: `ok if result[0] < 0.5; bad if result[0] > 2`. */
export function describeConditions(m: Pick<MetricSpec, 'successCondition' | 'failureCondition'>): string {
  return [m.successCondition && `ok if ${m.successCondition}`, m.failureCondition && `bad if ${m.failureCondition}`].filter(Boolean).join('; ');
}

const describe = (values: readonly number[], scalar: boolean): string => (scalar ? String(values[0]) : `[${values.join(', ')}]`);

/**
 * One measurement from one query answer (or the error the query raised).
 *
 * ### Examples
 * ```ts
 * const m = compileMetric({ name: 'p99', query: '...', successCondition: 'result[0] < 0.5' });
 * measure(m, { kind: 'vector', series: [{ labels: {}, sample: { t: 1, v: 0.31 } }] }, Date.now()).phase; // 'Successful'
 * ```
 */
export function measure(metric: CompiledMetric, answer: QueryResult | { readonly error: string }, at: number, semantics: Semantics = 'rewind'): Measurement {
  if ('error' in answer) return { phase: 'Error', at, values: [], message: answer.error };
  const values = resultValues(answer);
  const scalar = answer.kind === 'scalar';
  if (semantics === 'rewind') {
    if (values.length === 0) return { phase: 'Inconclusive', at, values, message: 'the query returned no data' };
    if (values.some((v) => Number.isNaN(v))) return { phase: 'Inconclusive', at, values, message: `the query returned NaN ${describe(values, scalar)}` };
  }
  const result = scalar ? (values[0] ?? Number.NaN) : values;
  const run = (c: Condition | undefined, field: string): boolean | { error: string } => {
    if (c === undefined) return false;
    try {
      return evaluateCondition(c, result);
    } catch (e) {
      if (e instanceof ExpressionError) {
        const empty = values.length === 0 ? ': metric result is nil or empty: no data returned from the metric provider' : `: ${e.message}`;
        return { error: `could not evaluate ${field} "${c.source}"${empty}` };
      }
      throw e;
    }
  };
  let ok = run(metric.success, 'successCondition');
  let bad = run(metric.failure, 'failureCondition');
  if (typeof ok === 'object') return { phase: 'Error', at, values, message: ok.error };
  if (typeof bad === 'object') return { phase: 'Error', at, values, message: bad.error };
  if (metric.success === undefined && metric.failure === undefined) return { phase: 'Successful', at, values };
  // Only one condition: the other is its negation (evaluate.go).
  if (metric.failure === undefined) bad = !ok;
  if (metric.success === undefined) ok = !bad;
  if (bad) return { phase: 'Failed', at, values, message: `${metric.failure ? `failureCondition "${metric.failure.source}" is true` : `successCondition "${metric.success?.source ?? ''}" is false`} for ${describe(values, scalar)}` };
  if (!ok) return { phase: 'Inconclusive', at, values, message: `neither condition holds for ${describe(values, scalar)}` };
  return { phase: 'Successful', at, values };
}

/** The counters upstream keeps per metric (`runMeasurements`). */
export interface MetricCounts {
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
  readonly consecutiveError: number;
  readonly consecutiveSuccess: number;
}

export function countMeasurements(ms: readonly Measurement[]): MetricCounts {
  const c = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, consecutiveSuccess: 0 };
  for (const m of ms) {
    // An Error does not count towards `count` (upstream), so a flaky store cannot end a metric early.
    if (m.phase !== 'Error') c.count++;
    c.consecutiveError = m.phase === 'Error' ? c.consecutiveError + 1 : 0;
    c.consecutiveSuccess = m.phase === 'Successful' ? c.consecutiveSuccess + 1 : 0;
    if (m.phase === 'Successful') c.successful++;
    else if (m.phase === 'Failed') c.failed++;
    else if (m.phase === 'Inconclusive') c.inconclusive++;
    else c.error++;
  }
  return c;
}

/** `count`, or 1 when neither count nor interval is set, or unbounded (upstream `EffectiveCount`). */
export function effectiveCount(m: MetricSpec): number | undefined {
  if (m.count === undefined || m.count === 0) return m.intervalMs === undefined ? 1 : undefined;
  return m.count;
}

export interface MetricAssessment {
  readonly name: string;
  readonly phase: AnalysisPhase;
  readonly message: string;
  readonly counts: MetricCounts;
}

export interface AssessOptions {
  /**
   * The verification deadline has passed (rewind): a metric that has not completed is judged by
   * its last measurement (Failed, Error or Inconclusive; Inconclusive when it was a success that
   * did not reach `consecutiveSuccessLimit` in a row, or when nothing was measured).
   */
  readonly deadlinePassed?: boolean;
  /** Upstream's `terminating`: an unfinished metric is Successful. */
  readonly terminating?: boolean;
}

function limitsBreached(m: MetricSpec, c: MetricCounts): { phase: AnalysisPhase; message: string } | undefined {
  let out: { phase: AnalysisPhase; message: string } | undefined;
  const failureLimit = m.failureLimit ?? 0;
  if (failureLimit >= 0 && c.failed > failureLimit) out = { phase: 'Failed', message: `failed (${c.failed}) > failureLimit (${failureLimit})` };
  const inconclusiveLimit = m.inconclusiveLimit ?? 0;
  if (inconclusiveLimit >= 0 && c.inconclusive > inconclusiveLimit) out = { phase: 'Inconclusive', message: `inconclusive (${c.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})` };
  const errorLimit = m.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  if (c.consecutiveError > errorLimit) out = { phase: 'Error', message: `consecutiveErrors (${c.consecutiveError}) > consecutiveErrorLimit (${errorLimit})` };
  return out;
}

/** A metric's phase from its measurements (upstream `assessMetricStatus`, plus rewind's deadline). */
export function assessMetric(m: MetricSpec, ms: readonly Measurement[], opts: AssessOptions = {}): MetricAssessment {
  const counts = countMeasurements(ms);
  const done = (phase: AnalysisPhase, message: string): MetricAssessment => ({ name: m.name, phase, message, counts });
  const last = ms.at(-1);
  if (last === undefined) {
    if (opts.terminating) return done('Successful', 'run terminated before the first measurement');
    if (opts.deadlinePassed) return done('Inconclusive', 'the deadline passed before the first measurement');
    return done('Pending', '');
  }
  const breached = limitsBreached(m, counts);
  // As upstream's run message, the last measurement says what was seen ("Error Message: ...").
  if (breached) return done(breached.phase, `${breached.message}${last.message ? `: ${last.message}` : ''}`);
  const successLimit = m.consecutiveSuccessLimit ?? 0;
  if (successLimit > 0 && counts.consecutiveSuccess >= successLimit) return done('Successful', `${counts.consecutiveSuccess} successful measurements in a row (consecutiveSuccessLimit ${successLimit})`);
  const count = effectiveCount(m);
  if (count !== undefined && counts.count >= count) {
    const failureApplicable = (m.failureLimit ?? 0) >= 0;
    if (successLimit > 0 && failureApplicable) return done('Inconclusive', `consecutiveSuccessLimit (${successLimit}) not reached and failureLimit (${m.failureLimit ?? 0}) not violated`);
    if (successLimit > 0) return done('Failed', `consecutiveSuccessLimit (${successLimit}) not reached in ${counts.count} measurements`);
    return done('Successful', `count (${count}) reached`);
  }
  if (opts.terminating) return done('Successful', 'run terminated');
  if (opts.deadlinePassed) {
    const why = last.message ? `: ${last.message}` : '';
    if (last.phase === 'Successful') return done('Inconclusive', `the deadline passed with ${counts.consecutiveSuccess} of ${successLimit} successes in a row`);
    return done(last.phase, `the deadline passed while the last measurement was ${last.phase}${why}`);
  }
  return done('Running', '');
}

export interface RunAssessment {
  readonly phase: AnalysisPhase;
  /** The worst metric's reason, as upstream's `Metric "x" assessed Failed due to ...`. */
  readonly message: string;
  readonly metrics: readonly MetricAssessment[];
}

/** The run's phase: Running until every metric completed, then the worst (upstream `assessRunStatus`). */
export function assessRun(metrics: readonly MetricAssessment[]): RunAssessment {
  if (metrics.length === 0) return { phase: 'Inconclusive', message: 'no metrics to check', metrics };
  if (metrics.some((a) => !isCompleted(a.phase))) return { phase: 'Running', message: '', metrics };
  let worst: MetricAssessment | undefined;
  for (const a of metrics) if (worst === undefined || isWorse(worst.phase, a.phase)) worst = a;
  const w = worst ?? metrics[0];
  return { phase: w?.phase ?? 'Inconclusive', message: w && w.message ? `Metric "${w.name}" assessed ${w.phase} due to ${w.message}` : '', metrics };
}

/**
 * When the metric's next measurement is due (ms since the epoch), or undefined when it needs no
 * more (completed, or its count is reached). Upstream `generateMetricTasks`.
 */
export function nextMeasurementAt(m: MetricSpec, ms: readonly Measurement[], startedAt: number): number | undefined {
  const last = ms.at(-1);
  if (last === undefined) return startedAt + (m.initialDelayMs ?? 0);
  if (isCompleted(assessMetric(m, ms).phase)) return undefined;
  const count = effectiveCount(m);
  if (count !== undefined && countMeasurements(ms).count >= count) return undefined;
  if (last.phase === 'Error') return last.at + ERROR_RETRY_INTERVAL_MS;
  return last.at + (m.intervalMs ?? ERROR_RETRY_INTERVAL_MS);
}
