/**
 * The AnalysisRun controller: measures each metric when it is due, on the sandbox clock, against
 * the sandbox's own Prometheus-compatible query engine, and writes `status` as argoproj/argo-rollouts
 * `analysis/analysis.go` does (`reconcileAnalysisRun`, `runMeasurements`, `assessRunStatus`:
 * `Running` until every metric completed, then the worst metric's phase and its message; a
 * terminated run judges unfinished metrics Successful and says "Run Terminated").
 *
 * The semantics are core/analysis's with `upstream` rules (`utils/evaluate/evaluate.go`): an empty
 * result reaches the condition and `result[0]` fails to evaluate, so the measurement is Error; a
 * NaN compares false, so the measurement is Failed. Values are written as the Prometheus provider
 * writes them (`metricproviders/prometheus/prometheus.go` `sampleValuesToResultStr`: `[0.31,1.2]`).
 * Arguments are substituted as `utils/analysis/helpers.go` `ResolveArgs` does (`{{args.name}}`; an
 * argument without a value is an Error run: "args.X was not resolved"). Providers other than
 * Prometheus are kept in the spec; each of their measurements is an Error that says the sandbox
 * does not evaluate them, so a run that depends on one never passes by default.
 */
import { assessMetric, assessRun, compileMetric, isCompleted, measure, nextMeasurementAt, type AnalysisPhase, type CompiledMetric, type Measurement as CoreMeasurement, type MetricSpec } from '../../core/analysis/analysis.ts';
import { parseDuration } from '../../core/duration.ts';
import type { QueryResult } from '../../core/metrics.ts';
import type { ClusterRegistry } from '../kube/registry.ts';
import { kubeTime } from '../kube/registry.ts';
import { ANALYSIS_RUNS } from './resource-types.ts';
import type { AnalysisRun, AnalysisRunStatus, Argument, Measurement, Metric, MetricResult } from './types.ts';

/** Evaluates a PromQL query now; `address` is the template's `provider.prometheus.address`. */
export type MetricQuery = (query: string, address: string | undefined) => QueryResult | { readonly error: string };

/** Keeps at most this many measurements per metric (upstream's default `measurementRetention`). */
const MEASUREMENT_RETENTION = 10;

export function syncAnalysisRuns(registry: ClusterRegistry, query: MetricQuery): void {
  const now = registry.now();
  for (const run of registry.store.list(ANALYSIS_RUNS) as AnalysisRun[]) {
    if (isCompleted((run.status?.phase ?? 'Pending') as AnalysisPhase)) continue;
    const status = reconcileRun(run, now.getTime(), query);
    if (JSON.stringify(status) !== JSON.stringify(run.status ?? {})) {
      registry.update(ANALYSIS_RUNS, run.metadata.namespace, run.metadata.name, { ...run, status }, 'status');
    }
  }
}

/** `{{args.name}}` replaced by each argument's value (`ResolveArgs`). */
export function resolveArgs(text: string, args: readonly Argument[]): string | { error: string } {
  let problem: string | undefined;
  const out = text.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_m, name: string) => {
    const arg = args.find((a) => a.name === name);
    if (!arg) problem ??= `failed to resolve {{args.${name}}}`;
    else if (arg.value === undefined) problem ??= `args.${name} was not resolved`;
    // The text is JSON (as upstream's ResolveQuotedArgs): a value's quotes must stay escaped.
    return JSON.stringify(arg?.value ?? '').slice(1, -1);
  });
  return problem === undefined ? out : { error: problem };
}

const intOf = (v: number | string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
};

const durationOf = (v: string | undefined): number | undefined => (v === undefined ? undefined : parseDuration(v));

function specOf(m: Metric): MetricSpec {
  const opt = <K extends keyof MetricSpec>(k: K, v: MetricSpec[K] | undefined): Partial<MetricSpec> => (v === undefined ? {} : { [k]: v });
  return {
    name: m.name,
    query: m.provider?.prometheus?.query ?? '',
    ...opt('successCondition', m.successCondition),
    ...opt('failureCondition', m.failureCondition),
    ...opt('intervalMs', durationOf(m.interval)),
    ...opt('initialDelayMs', durationOf(m.initialDelay)),
    ...opt('count', intOf(m.count)),
    ...opt('failureLimit', intOf(m.failureLimit)),
    ...opt('inconclusiveLimit', intOf(m.inconclusiveLimit)),
    ...opt('consecutiveErrorLimit', intOf(m.consecutiveErrorLimit)),
    ...opt('consecutiveSuccessLimit', intOf(m.consecutiveSuccessLimit)),
  };
}

function fromStatus(ms: readonly Measurement[] | undefined): CoreMeasurement[] {
  return (ms ?? []).map((m) => ({
    phase: m.phase as CoreMeasurement['phase'],
    at: Date.parse(m.finishedAt ?? m.startedAt ?? '') || 0,
    values: [],
    ...(m.message ? { message: m.message } : {}),
  }));
}

/** The Prometheus provider's value string: a scalar as is, vectors and matrices as `[a,b]`. */
export function valueString(answer: QueryResult): string {
  const f = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));
  switch (answer.kind) {
    case 'scalar':
      return f(answer.sample.v);
    case 'vector':
      return `[${answer.series.map((s) => f(s.sample.v)).join(',')}]`;
    case 'matrix':
      return `[${answer.series.flatMap((s) => s.samples.map((x) => f(x.v))).join(',')}]`;
  }
}

/** The run's next status at `nowMs`, measuring what is due. */
export function reconcileRun(run: AnalysisRun, nowMs: number, query: MetricQuery): AnalysisRunStatus {
  const prev = run.status ?? {};
  const startedAt = prev.startedAt ?? kubeTime(new Date(nowMs));
  const startedMs = Date.parse(startedAt);
  const metrics = run.spec.metrics ?? [];
  const args = run.spec.args ?? [];
  const terminating = run.spec.terminate === true;
  const error = (message: string): AnalysisRunStatus => ({ ...prev, phase: 'Error', message, startedAt });
  if (metrics.length === 0) return error('no metrics specified');

  const results: MetricResult[] = [];
  const assessments = [];
  for (const raw of metrics) {
    const resolved = resolveArgs(JSON.stringify(raw), args);
    if (typeof resolved === 'object') return error(resolved.error);
    const metric = JSON.parse(resolved) as Metric;
    const spec = specOf(metric);
    let compiled: CompiledMetric;
    try {
      compiled = compileMetric(spec, 'upstream');
    } catch (e) {
      return error(`metric "${metric.name}": ${(e as Error).message}`);
    }
    const old = prev.metricResults?.find((r) => r.name === metric.name);
    const stored: Measurement[] = [...(old?.measurements ?? [])];
    let measurements = fromStatus(stored);
    const due = terminating ? undefined : nextMeasurementAt(spec, measurements, startedMs);
    if (due !== undefined && due <= nowMs) {
      const m = measureOnce(metric, compiled, nowMs, query);
      stored.push(m.stored);
      measurements = [...measurements, m.core];
    }
    const a = assessMetric(spec, measurements, { terminating });
    assessments.push(a);
    const c = a.counts;
    results.push({
      name: metric.name,
      phase: a.phase,
      measurements: stored.slice(-MEASUREMENT_RETENTION),
      ...(a.message && isCompleted(a.phase) ? { message: a.message } : {}),
      count: c.count,
      successful: c.successful,
      failed: c.failed,
      inconclusive: c.inconclusive,
      error: c.error,
      consecutiveError: c.consecutiveError,
      ...(c.consecutiveSuccess ? { consecutiveSuccess: c.consecutiveSuccess } : {}),
    });
  }
  const run_ = assessRun(assessments);
  const summary = { count: results.length, successful: 0, failed: 0, inconclusive: 0, error: 0 };
  for (const r of results) {
    if (r.phase === 'Successful') summary.successful++;
    else if (r.phase === 'Failed') summary.failed++;
    else if (r.phase === 'Inconclusive') summary.inconclusive++;
    else if (r.phase === 'Error') summary.error++;
  }
  const message = terminating && isCompleted(run_.phase) && run_.phase === 'Successful' ? 'Run Terminated' : run_.message;
  return {
    phase: run_.phase,
    ...(message ? { message } : {}),
    startedAt,
    metricResults: results,
    runSummary: summary,
  };
}

function measureOnce(metric: Metric, compiled: CompiledMetric, nowMs: number, query: MetricQuery): { stored: Measurement; core: CoreMeasurement } {
  const at = kubeTime(new Date(nowMs));
  const other = Object.keys(metric.provider ?? {}).find((k) => k !== 'prometheus');
  let answer: QueryResult | { readonly error: string };
  if (!metric.provider?.prometheus) {
    answer = { error: `the rewind sandbox does not evaluate ${other ?? 'this'} metrics (only provider.prometheus)` };
  } else answer = query(compiled.query, metric.provider.prometheus.address);
  const core = measure(compiled, answer, nowMs, 'upstream');
  const stored: Measurement = {
    phase: core.phase,
    startedAt: at,
    finishedAt: at,
    ...('error' in answer ? {} : { value: valueString(answer) }),
    ...(core.message && core.phase === 'Error' ? { message: core.message } : {}),
  };
  return { stored, core };
}
