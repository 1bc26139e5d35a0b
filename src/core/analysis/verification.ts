/**
 * An app's proof of recovery, as rewind.yaml declares it (modelled on Argo Rollouts'
 * AnalysisTemplate so templates carry over), or the seed runbook's default for the service.
 */
import type { MetricSpec } from './analysis.ts';
import { defaultDeadlineMs } from './promql.ts';

export interface VerificationSpec {
  readonly metrics: readonly MetricSpec[];
  /** How long recovery may take (ms); default: `defaultDeadlineMs` of the queries. */
  readonly deadlineMs?: number;
  /** A rollback with no metric checked exits 4 instead of 0 (`verify.requireMetrics`). */
  readonly requireMetrics: boolean;
  /** A Pod image given by tag only (no digest to compare) is accepted instead of "could not check". */
  readonly allowUnresolvedTags: boolean;
  /** Where the metrics came from: the app's own `verify`, or the seed's alerts for its service. */
  readonly origin: 'config' | 'seed-default' | 'none' | 'rollout-analysis';
}

/**
 * What rewind's own verification uses when a metric leaves a field out: measure every 30 s and
 * call the service recovered after 3 successes in a row. Failed and Inconclusive measurements do
 * not end the run by themselves (limits -1), because the query window still holds samples from
 * before the rollback; the deadline ends it. An explicit AnalysisTemplate field wins.
 */
export const RECOVERY_DEFAULTS = {
  intervalMs: 30_000,
  consecutiveSuccessLimit: 3,
  failureLimit: -1,
  inconclusiveLimit: -1,
  consecutiveErrorLimit: 4,
} as const satisfies Partial<MetricSpec>;

export function withRecoveryDefaults(m: MetricSpec): MetricSpec {
  // With a count, the template asks for upstream's counting semantics: only the interval defaults.
  if (m.count !== undefined) return { intervalMs: RECOVERY_DEFAULTS.intervalMs, ...m };
  return { ...RECOVERY_DEFAULTS, ...m };
}

/**
 * The label that names a series' cluster. The sandbox's scrape config sets it per target group
 * (`sandbox/metrics/prom-files.ts`), as kube-prometheus-stack's `externalLabels.cluster` or a
 * Thanos/Mimir tenant does; the seed's own alerts sum `by (cluster)`. Without it, a default query
 * for catalog in us-east would average in eu-west's Pods and could read "recovered" while the
 * rolled-back region is still slow.
 */
export const CLUSTER_LABEL = 'cluster';

/** `service="catalog",cluster="us-east"`: the app's own series, never another region's. */
const selector = (service: string, cluster: string | undefined, extra = ''): string =>
  [`service="${service}"`, ...(cluster ? [`${CLUSTER_LABEL}="${cluster}"`] : []), ...(extra ? [extra] : [])].join(',');

// NOTE: `or vector(0)`: a service that never answered an error has no error series at all, and
// the bare ratio would be empty (Inconclusive forever) exactly when the service is healthy. With
// no traffic the ratio is 0/0 = NaN, which stays Inconclusive: no requests prove nothing.
const ratio = (service: string, cluster: string | undefined, errors: string, window: string) =>
  `(sum(rate(http_requests_total{${selector(service, cluster, errors)}}[${window}])) or vector(0)) / sum(rate(http_requests_total{${selector(service, cluster)}}[${window}]))`;

/**
 * The seed runbook's alerts as verification, picked by the workload's name: catalog p99 below
 * 0.5 s (Step 3c's own query), payments error ratio below 1% (any non-2xx answer), orders 5xx
 * ratio below 1%. Undefined for any other service: rewind then says metrics were not checked.
 * With `cluster`, the query selects that cluster's series only (`CLUSTER_LABEL`).
 *
 * ### Examples
 * ```ts
 * seedDefaultMetrics('catalog', 'us-east')?.[0]?.query; // '…{service="catalog",cluster="us-east"}[5m]…'
 * seedDefaultMetrics('catalog')?.[0]?.successCondition; // 'result[0] < 0.5'
 * seedDefaultMetrics('inventory'); // undefined
 * ```
 */
export function seedDefaultMetrics(workloadName: string, cluster?: string): readonly MetricSpec[] | undefined {
  const service = ['catalog', 'payments', 'orders'].find((s) => workloadName === s || workloadName.startsWith(`${s}-`));
  switch (service) {
    case 'catalog':
      return [withRecoveryDefaults({
        name: 'catalog-p99-latency',
        query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector('catalog', cluster)}}[5m])))`,
        successCondition: 'result[0] < 0.5',
      })];
    case 'payments':
      return [withRecoveryDefaults({ name: 'payments-error-ratio', query: ratio('payments', cluster, 'code!~"2.."', '5m'), successCondition: 'result[0] < 0.01' })];
    case 'orders':
      return [withRecoveryDefaults({ name: 'orders-5xx-ratio', query: ratio('orders', cluster, 'code=~"5.."', '5m'), successCondition: 'result[0] < 0.01' })];
    default:
      return undefined;
  }
}

/** The app's verification: its own when it declares metrics, else the seed's default (for its cluster), else none. */
export function resolveVerification(declared: VerificationSpec | undefined, workloadName: string, cluster?: string): VerificationSpec {
  if (declared !== undefined && declared.metrics.length > 0) return declared;
  const seed = seedDefaultMetrics(workloadName, cluster);
  const base = { requireMetrics: declared?.requireMetrics ?? false, allowUnresolvedTags: declared?.allowUnresolvedTags ?? false, ...(declared?.deadlineMs !== undefined ? { deadlineMs: declared.deadlineMs } : {}) };
  return seed ? { ...base, metrics: seed, origin: 'seed-default' } : { ...base, metrics: [], origin: 'none' };
}

/**
 * How long the rollback's `verify.metrics` step waits by default (ms): the longest query window
 * (a bad sample keeps counting that long after the last bad Pod stopped), plus the metric's
 * initial delay and the successes in a row it needs, plus two scrape intervals (the scrape and
 * the evaluation that still see old samples), plus the rollout.
 *
 * ### Examples
 * ```ts
 * recoveryDeadlineMs(seedDefaultMetrics('catalog') ?? [], { scrapeIntervalMs: 15_000, rolloutMs: 90_000 });
 * // 300_000 + 2 × 30_000 + 2 × 15_000 + 90_000 = 480_000
 * ```
 */
export function recoveryDeadlineMs(metrics: readonly MetricSpec[], opts: { scrapeIntervalMs: number; rolloutMs: number }): number {
  const perMetric = metrics.map((m) => {
    const streak = Math.max(0, (m.consecutiveSuccessLimit ?? 1) - 1) * (m.intervalMs ?? 0);
    return defaultDeadlineMs([m.query], { scrapeIntervalMs: opts.scrapeIntervalMs, rolloutMs: opts.rolloutMs }) + (m.initialDelayMs ?? 0) + streak;
  });
  return Math.max(2 * opts.scrapeIntervalMs + opts.rolloutMs, ...perMetric);
}
