import { describeConditions, formatValues, type MetricSpec } from '../analysis/analysis.ts';
import { rangeWindowMs } from '../analysis/promql.ts';
import { recoveryDeadlineMs, resolveVerification, type VerificationSpec } from '../analysis/verification.ts';
import type { Facts, Policy } from '../facts.ts';
import type { Evidence, PlanStep } from '../plan.ts';
import { S, type Schema } from '../schema.ts';
import { argocdWaitHealthy } from './argocd-steps.ts';
import { defineStep, makeStep } from './step-definition.ts';

/** Step 3c: every Pod runs the good digest (`containerStatuses[].imageID`, not the spec). */
export const verifyDigest = defineStep({
  kind: 'verify.digest',
  phase: 'verify',
  params: S.object({ expectedImages: S.array(S.string()) }),
  ports: ['cluster'],
  expectedSeconds: 10,
  failure: 'verification',
});

const int = () => S.optional(S.integer());
const metricSpec: Schema<MetricSpec> = S.object({
  name: S.string(),
  query: S.string(),
  successCondition: S.optional(S.string()),
  failureCondition: S.optional(S.string()),
  intervalMs: S.optional(S.integer({ min: 1 })),
  count: S.optional(S.integer({ min: 0 })),
  initialDelayMs: S.optional(S.integer({ min: 0 })),
  failureLimit: int(),
  inconclusiveLimit: int(),
  consecutiveErrorLimit: int(),
  consecutiveSuccessLimit: int(),
});

export interface VerifyMetricsParams {
  /** The checks as the plan froze them (the app's own, or the seed's default for its cluster). */
  readonly metrics: readonly MetricSpec[];
  /** How long recovery may take from the step's start, in ms of the store's clock. */
  readonly deadlineMs: number;
  /** Nothing checked is a failure (exit 4) instead of `rolled-back` (exit 0). */
  readonly requireMetrics: boolean;
  readonly origin: VerificationSpec['origin'];
}

/**
 * Step 3c's last line, "the metric recovered?": the analysis (core/analysis) runs until
 * Successful, Failed or its deadline. A run whose metrics were not checked (no store, no metric)
 * ends `rolled-back`, never `verified` (core/run.ts `serviceVerdict`).
 */
export const verifyMetrics = defineStep<VerifyMetricsParams>({
  kind: 'verify.metrics',
  phase: 'verify',
  params: S.object({
    metrics: S.array(metricSpec),
    deadlineMs: S.integer({ min: 0 }),
    requireMetrics: S.boolean(),
    origin: S.literal('config', 'seed-default', 'none'),
  }),
  ports: ['metrics'],
  expectedSeconds: 240,
  failure: 'verification',
});

/** "5m", "90s", "6m30s". */
export function humanMs(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m === 0 ? `${s}s` : s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
}

/** Why a long query window keeps a recovered service reading as failing, for the plan. */
export function windowNote(m: MetricSpec): string | undefined {
  const w = rangeWindowMs(m.query);
  return w > 0 ? `a [${humanMs(w)}] window keeps ${m.name} failing for up to ~${humanMs(w)} after recovery` : undefined;
}

function describeCheck(m: MetricSpec): string {
  const streak = m.consecutiveSuccessLimit ? `${m.consecutiveSuccessLimit} measurements in a row` : m.count ? `${m.count} measurements` : 'one measurement';
  return `${m.name}: ${describeConditions(m)}, ${streak}${m.intervalMs ? `, every ${humanMs(m.intervalMs)}` : ''}`;
}

/**
 * The `verify.metrics` plan step of an app: its checks frozen into the params, the deadline from
 * the query windows, the store's scrape interval and the rollout's expected time, and the value
 * now as evidence. Where nothing will be checked the step still stands in the plan and says so.
 */
export function verifyMetricsStep(input: { readonly facts: Facts; readonly policy: Policy; readonly target: string }): PlanStep<VerifyMetricsParams> {
  const { facts, policy } = input;
  const w = facts.app.workload;
  const spec = resolveVerification(facts.app.verify, w.name, w.cluster);
  const m = facts.metrics?.value;
  const rolloutMs = (policy.expectedSeconds[argocdWaitHealthy.kind] ?? argocdWaitHealthy.expectedSeconds) * 1000;
  const deadlineMs = spec.deadlineMs ?? recoveryDeadlineMs(spec.metrics, { scrapeIntervalMs: m?.scrapeIntervalMs ?? 15_000, rolloutMs });
  const params: VerifyMetricsParams = { metrics: spec.metrics, deadlineMs, requireMetrics: spec.requireMetrics, origin: spec.origin };
  const notChecked = spec.metrics.length === 0
    ? `${facts.app.name} declares no verify.metrics and the seed has no default for ${w.name}`
    : m?.notChecked;
  if (notChecked !== undefined) {
    const then = spec.requireMetrics ? 'verify.requireMetrics is set: the run fails (exit 4)' : 'the run ends rolled-back, not verified';
    return makeStep(verifyMetrics, {
      title: `Metrics: not checked (${notChecked})`,
      target: input.target,
      checks: [then],
      evidence: [],
    }, params, 0);
  }
  const source = m?.store ? `prometheus ${m.store}` : 'prometheus';
  const evidence: Evidence[] = [
    { claim: spec.origin === 'seed-default' ? `the seed's alert for ${w.name} in ${w.cluster}` : `${facts.app.name} verify.metrics`, source: spec.origin === 'seed-default' ? 'seed runbook' : 'rewind.yaml' },
    ...(m?.checks ?? []).map((c) => ({ claim: `${c.name} now: ${formatValues(c.values)} (${c.phase})`, source })),
  ];
  // Expected, not the worst case: a regression drops out of a [5m] window well before all of it
  // ages out (the seed: "drops below 0.5 within 2-3 minutes"), then the successes in a row.
  const longest = Math.max(0, ...spec.metrics.map((x) => rangeWindowMs(x.query)));
  const streak = Math.max(0, ...spec.metrics.map((x) => ((x.consecutiveSuccessLimit ?? 1) - 1) * (x.intervalMs ?? 0)));
  const expected = Math.round(Math.min(deadlineMs, longest / 2 + streak) / 1000);
  return makeStep(verifyMetrics, {
    title: `Wait until the metrics say the service recovered (3c), at most ${humanMs(deadlineMs)}`,
    target: input.target,
    checks: [...spec.metrics.map(describeCheck), ...spec.metrics.flatMap((x) => windowNote(x) ?? [])],
    evidence,
  }, params, policy.expectedSeconds[verifyMetrics.kind] ?? expected);
}
