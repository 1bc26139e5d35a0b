/**
 * Metrics as evidence for `plan`: the alert that fired for the app's service (its `activeAt`
 * replaces `--alert-at`), and when the regression started, so the seed's "landed within 30
 * minutes and the alert fired after" test can use the numbers. Pure: the caller queries.
 */
import type { MetricsAlert, Sample } from '../metrics.ts';
import { measure, type CompiledMetric, type MeasurementPhase } from './analysis.ts';
import { CLUSTER_LABEL } from './verification.ts';

/** The seed runbook's alerts, by the service they page for. */
export const SEED_ALERTS: Readonly<Record<string, string>> = {
  catalog: 'BookstoreCatalogP99Latency',
  payments: 'BookstorePaymentsErrorRate',
  orders: 'BookstoreOrders5xxRate',
};

/**
 * The firing alert for the app: one whose `service` label (or `app`, or `deployment`) is the
 * workload's name, or the seed's alert for the service; the one active longest when several fire.
 * With `cluster`, an alert labelled with another cluster is another region's incident, not this one.
 */
export function firingAlertFor(alerts: readonly MetricsAlert[], workloadName: string, cluster?: string): MetricsAlert | undefined {
  const seed = Object.entries(SEED_ALERTS).find(([s]) => workloadName === s || workloadName.startsWith(`${s}-`))?.[1];
  const mine = alerts.filter(
    (a) =>
      a.state === 'firing' &&
      (a.name === seed || [a.labels['service'], a.labels['app'], a.labels['deployment']].includes(workloadName)) &&
      (cluster === undefined || a.labels[CLUSTER_LABEL] === undefined || a.labels[CLUSTER_LABEL] === cluster),
  );
  const at = (a: MetricsAlert) => (a.activeAt ? Date.parse(a.activeAt) : Number.POSITIVE_INFINITY);
  return [...mine].sort((a, b) => at(a) - at(b))[0];
}

export interface Regression {
  /** The phase of the newest sample. */
  readonly now: MeasurementPhase;
  /** Seconds since the epoch: the first sample of the trailing run of Failed samples. */
  readonly startedAt?: number;
  /** The value then and now, to show against the threshold. */
  readonly firstBadValue?: number;
  readonly lastValue?: number;
}

/**
 * Walks a metric's recent samples (one value per step, oldest first) back from the newest: when
 * it is Failed now, the regression started at the oldest sample of that unbroken Failed run. A gap
 * (NaN) ends the run: rewind does not guess across missing data. `kind` is what the instant query
 * returns, so conditions written for it (`result[0] < 0.5`) read the same.
 */
export function regressionStart(metric: CompiledMetric, samples: readonly Sample[], kind: 'vector' | 'scalar' = 'vector'): Regression {
  // Each step is judged as the instant query would have been: a one-sample vector (`result[0]`) or a scalar.
  const phaseOf = (s: Sample) => measure(metric, kind === 'scalar' ? { kind, sample: s } : { kind, series: [{ labels: {}, sample: s }] }, s.t * 1000).phase;
  const last = samples.at(-1);
  if (last === undefined) return { now: 'Inconclusive' };
  const now = phaseOf(last);
  if (now !== 'Failed') return { now, lastValue: last.v };
  let i = samples.length - 1;
  while (i > 0 && phaseOf(samples[i - 1] as Sample) === 'Failed') i--;
  const first = samples[i] as Sample;
  return { now, startedAt: first.t, firstBadValue: first.v, lastValue: last.v };
}

/**
 * What `plan` learnt from the metrics store (gathered by app/verify-service.ts, read by the
 * pre-flight's metrics check and the `verify.metrics` step): whether metrics will be checked at
 * all, the firing alert, and per check the value now against its threshold. Never a verdict by
 * itself: a store that could not be read is a note, not a pass.
 */
export interface MetricsFacts {
  /** The store's URL without credentials; null when rewind.yaml has no prometheus section. */
  readonly store: string | null;
  /** Why metrics will not be checked (no store, no metrics); absent when they will. */
  readonly notChecked?: string;
  /** The store's scrape interval (rewind.yaml `prometheus.scrapeInterval`), for the default deadline. */
  readonly scrapeIntervalMs: number;
  /** ISO-8601, the store's own clock when the evidence was read. */
  readonly at?: string;
  /** The app's firing alert and when it became active. */
  readonly alert?: { readonly name: string; readonly activeAt?: string; readonly source: string };
  readonly checks: readonly MetricCheckEvidence[];
  /** What could not be read, said rather than hidden. */
  readonly notes: readonly string[];
}

export interface MetricCheckEvidence {
  readonly name: string;
  readonly phase: MeasurementPhase;
  readonly values: readonly number[];
  readonly threshold: string;
  /** ISO-8601: the first step of the current failing run in the look-back window. */
  readonly failingSince?: string;
}
