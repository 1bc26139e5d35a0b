/**
 * An app's proof of recovery, as rewind.yaml declares it (modelled on Argo Rollouts'
 * AnalysisTemplate so templates carry over), or the seed runbook's default for the service.
 */
import type { MetricSpec } from './analysis.ts';

export interface VerificationSpec {
  readonly metrics: readonly MetricSpec[];
  /** How long recovery may take (ms); default: `defaultDeadlineMs` of the queries. */
  readonly deadlineMs?: number;
  /** A rollback with no metric checked exits 4 instead of 0 (`verify.requireMetrics`). */
  readonly requireMetrics: boolean;
  /** A Pod image given by tag only (no digest to compare) is accepted instead of "could not check". */
  readonly allowUnresolvedTags: boolean;
  /** Where the metrics came from: the app's own `verify`, or the seed's alerts for its service. */
  readonly origin: 'config' | 'seed-default' | 'none';
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

// NOTE: `or vector(0)`: a service that never answered an error has no error series at all, and
// the bare ratio would be empty (Inconclusive forever) exactly when the service is healthy. With
// no traffic the ratio is 0/0 = NaN, which stays Inconclusive: no requests prove nothing.
const ratio = (service: string, errors: string, window: string) =>
  `(sum(rate(http_requests_total{service="${service}",${errors}}[${window}])) or vector(0)) / sum(rate(http_requests_total{service="${service}"}[${window}]))`;

/**
 * The seed runbook's alerts as verification, picked by the workload's name: catalog p99 below
 * 0.5 s (Step 3c's own query), payments error ratio below 1% (any non-2xx answer), orders 5xx
 * ratio below 1%. Undefined for any other service: rewind then says metrics were not checked.
 *
 * ### Examples
 * ```ts
 * seedDefaultMetrics('catalog')?.[0]?.successCondition; // 'result[0] < 0.5'
 * seedDefaultMetrics('inventory'); // undefined
 * ```
 */
export function seedDefaultMetrics(workloadName: string): readonly MetricSpec[] | undefined {
  const service = ['catalog', 'payments', 'orders'].find((s) => workloadName === s || workloadName.startsWith(`${s}-`));
  switch (service) {
    case 'catalog':
      return [withRecoveryDefaults({
        name: 'catalog-p99-latency',
        query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))',
        successCondition: 'result[0] < 0.5',
      })];
    case 'payments':
      return [withRecoveryDefaults({ name: 'payments-error-ratio', query: ratio('payments', 'code!~"2.."', '5m'), successCondition: 'result[0] < 0.01' })];
    case 'orders':
      return [withRecoveryDefaults({ name: 'orders-5xx-ratio', query: ratio('orders', 'code=~"5.."', '5m'), successCondition: 'result[0] < 0.01' })];
    default:
      return undefined;
  }
}

/** The app's verification: its own when it declares metrics, else the seed's default, else none. */
export function resolveVerification(declared: VerificationSpec | undefined, workloadName: string): VerificationSpec {
  if (declared !== undefined && declared.metrics.length > 0) return declared;
  const seed = seedDefaultMetrics(workloadName);
  const base = { requireMetrics: declared?.requireMetrics ?? false, allowUnresolvedTags: declared?.allowUnresolvedTags ?? false, ...(declared?.deadlineMs !== undefined ? { deadlineMs: declared.deadlineMs } : {}) };
  return seed ? { ...base, metrics: seed, origin: 'seed-default' } : { ...base, metrics: [], origin: 'none' };
}
