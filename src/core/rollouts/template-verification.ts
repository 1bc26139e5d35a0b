/**
 * rewind's recovery check from the Rollout's own AnalysisTemplates (and ClusterAnalysisTemplates)
 * when the app declares none: the templates' Prometheus metrics with their args substituted as
 * upstream substitutes them (`{{args.NAME}}`; argo-rollouts `utils/analysis/helpers.go`
 * ResolveArgs and `factory.go` BuildArgumentsForRolloutAnalysisRun), judged with rewind's outcome
 * rules (empty and NaN are Inconclusive, the recovery defaults where the template is silent).
 * Metrics of providers rewind cannot query are listed as not checked, never passed.
 */
import { RECOVERY_DEFAULTS, type VerificationSpec } from '../analysis/verification.ts';
import type { MetricSpec } from '../analysis/analysis.ts';
import { parseDuration } from '../duration.ts';
import type { RolloutFacts, RolloutReplicaSet } from './rollout-facts.ts';

export interface TemplateVerification {
  readonly metrics: readonly MetricSpec[];
  /** Metrics that will not be checked, each with why. */
  readonly notChecked: readonly string[];
  /** What the metrics came from, for the plan's evidence. */
  readonly from: readonly string[];
}

/**
 * The args name the version rewind returned to: `podTemplateHashValue` Latest and Stable both
 * resolve to `target` (after an abort `currentPodHash` still names the bad canary, whose Pods are gone).
 */
export function templateVerification(r: RolloutFacts, target: RolloutReplicaSet): TemplateVerification {
  const metrics: MetricSpec[] = [];
  const notChecked: string[] = [];
  const from: string[] = [];
  const rolloutArgs = new Map((r.analysisArgs ?? []).map((a) => [a.name, a]));
  for (const t of r.analysisTemplates ?? []) {
    const kind = t.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const values = new Map<string, string>();
    const unresolved: string[] = [];
    for (const a of t.args) {
      const given = rolloutArgs.get(a.name);
      const v = given?.value ?? (given?.podTemplateHashValue ? target.hash : given?.fieldRef === 'metadata.name' ? r.name : given?.fieldRef === 'metadata.namespace' ? r.namespace : undefined) ?? a.value;
      if (v === undefined) unresolved.push(a.name);
      else values.set(a.name, v);
    }
    for (const m of t.metrics) {
      const label = `${kind} ${t.name} metric ${m.name}`;
      if (m.provider !== 'prometheus' || m.query === undefined) {
        notChecked.push(`${label}: provider ${m.provider} (rewind measures Prometheus queries only)`);
        continue;
      }
      const missing = unresolved.filter((n) => m.query?.includes(`{{args.${n}}}`));
      if (missing.length > 0) {
        notChecked.push(`${label}: arg ${missing.join(', ')} has no value`);
        continue;
      }
      const query = m.query.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (whole, n: string) => values.get(n) ?? whole);
      const interval = m.interval ? parseDuration(m.interval) : undefined;
      const delay = m.initialDelay ? parseDuration(m.initialDelay) : undefined;
      // NOTE: the template's `count` is not kept: it caps a canary's judgement, while recovery is
      // N successes in a row before the deadline (a first measurement of new Pods may have no data).
      metrics.push({
        ...RECOVERY_DEFAULTS,
        name: t.metrics.length > 1 || (r.analysisTemplates?.length ?? 0) > 1 ? `${t.name}/${m.name}` : m.name,
        query,
        ...(m.successCondition !== undefined ? { successCondition: m.successCondition } : {}),
        ...(m.failureCondition !== undefined ? { failureCondition: m.failureCondition } : {}),
        ...(interval !== undefined ? { intervalMs: interval } : {}),
        ...(delay !== undefined ? { initialDelayMs: delay } : {}),
        ...(m.failureLimit !== undefined ? { failureLimit: m.failureLimit } : {}),
        ...(m.inconclusiveLimit !== undefined ? { inconclusiveLimit: m.inconclusiveLimit } : {}),
        ...(m.consecutiveErrorLimit !== undefined ? { consecutiveErrorLimit: m.consecutiveErrorLimit } : {}),
      });
      from.push(`${label}${m.address ? ` (the template names ${m.address}; rewind queries its own Prometheus)` : ''}`);
    }
  }
  return { metrics, notChecked, from };
}

/** The app's verification when it declares none of its own; undefined when the templates give no metric. */
export function verificationFromTemplates(declared: VerificationSpec | undefined, t: TemplateVerification): VerificationSpec | undefined {
  if ((declared?.metrics.length ?? 0) > 0 || t.metrics.length === 0) return undefined;
  return { metrics: t.metrics, requireMetrics: declared?.requireMetrics ?? false, allowUnresolvedTags: declared?.allowUnresolvedTags ?? false, ...(declared?.deadlineMs !== undefined ? { deadlineMs: declared.deadlineMs } : {}), origin: 'rollout-analysis' };
}
