import { deployedRevision, shortHash, SyncPolicy } from './domain.ts';
import { defaultPolicy, type Facts, type Policy } from './facts.ts';
import { deepFreeze } from './freeze.ts';
import { chooseLastKnownGood } from './last-known-good.ts';
import type { Plan, PlanStep } from './plan.ts';
import { buildSteps } from './plan-steps.ts';
import { correlationCheck } from './preflight/correlation-check.ts';
import { diagnosisCheck } from './preflight/diagnosis-check.ts';
import { featureFlagCheck } from './preflight/feature-flag-check.ts';
import { lastKnownGoodCheck } from './preflight/last-known-good-check.ts';
import { operationCheck } from './preflight/operation-check.ts';
import { ownershipCheck } from './preflight/ownership-check.ts';
import { schemaCheck } from './preflight/schema-check.ts';
import { syncModeCheck } from './preflight/sync-mode-check.ts';
import type { Preflight, PreflightResult } from './preflight/types.ts';
import { workloadCheck } from './preflight/workload-check.ts';

/** In the runbook's order; the flag check sits last because it only advises. */
const CHECKS: readonly Preflight[] = [
  correlationCheck,
  schemaCheck,
  lastKnownGoodCheck,
  syncModeCheck,
  ownershipCheck,
  diagnosisCheck,
  workloadCheck,
  operationCheck,
  featureFlagCheck,
];

/**
 * The decision core: the seed runbook's pre-flight and Step 3 as a pure function of the facts.
 * No await, no clock (`facts.now` is the time), no env, no I/O; the same facts give the same,
 * deeply frozen plan.
 *
 * - `refuse` when there is no last-known-good, an unsafe (or, by policy, any changed) migration,
 *   or an operation already running; `reasons` say what to do instead.
 * - `noop` when the app already runs the target revision.
 * - `rollback` otherwise: preflight, disable-auto-sync (or pin-target-revision when a parent owns
 *   the app), argocd-rollback, wait-healthy, verify-digest, record-revert-pending.
 *
 * ### Examples
 * ```ts
 * const plan = decide(FakeFacts.seed().build());
 * plan.decision;                    // 'rollback'
 * plan.to;                          // { historyId: 41, revision: 'a1b2c3d…', … }
 * plan.steps.map((s) => s.kind);    // ['preflight', 'disable-auto-sync', 'argocd-rollback', 'wait-healthy', 'verify-digest', 'record-revert-pending']
 * decide(FakeFacts.seed().migrations('unsafe', 'm/0042_drop.sql').build()).decision; // 'refuse'
 * ```
 */
export function decide(facts: Facts, policy: Policy = defaultPolicy): Plan {
  const app = facts.application.value;
  const currentRevision = deployedRevision(app);
  const lkg = chooseLastKnownGood(app.history, currentRevision, facts.requestedId, {
    ...(facts.prunedRevisions ? { pruned: facts.prunedRevisions.value } : {}),
    revisionHistoryLimit: app.revisionHistoryLimit,
  });
  const results = CHECKS.map((check) => check({ facts, policy, lkg })).filter((r): r is PreflightResult => r !== null);
  const preflight = results.map((r) => r.check);
  const warnings = results.flatMap((r) => r.warnings);
  const refusals = results.flatMap((r) => r.refusals);
  const latest = app.history.reduce<number | null>((max, e) => (max === null || e.id > max ? e.id : max), null);

  const base = {
    kind: 'Plan' as const,
    version: 1 as const,
    app: app.name,
    workload: facts.app.workload,
    from: { historyId: lkg.current?.id ?? null, revision: currentRevision },
    to: lkg.ok ? { historyId: lkg.entry.id, revision: lkg.entry.revision, deployedAt: lkg.entry.deployedAt } : null,
    preflight,
    createdAt: facts.now,
    assumptions: {
      currentRevision,
      latestHistoryId: latest,
      autoSync: SyncPolicy.isAutoSyncOn(app.syncPolicy),
      targetRevision: app.source.targetRevision,
    },
  };

  if (lkg.ok && lkg.entry.revision === currentRevision) {
    const reason = `${app.name} already runs ${shortHash(currentRevision)}, the revision of history ${lkg.entry.id}: nothing to roll back`;
    return deepFreeze<Plan>({ ...base, decision: 'noop', reasons: [reason], warnings: [], steps: [] });
  }
  if (!lkg.ok || refusals.length > 0) {
    return deepFreeze<Plan>({ ...base, decision: 'refuse', reasons: refusals, warnings, steps: [] });
  }

  const fromDiagnosis = (facts.diagnosis?.value.images ?? []).map((i) => i.from).filter((i): i is string => i !== undefined);
  const expectedImages = facts.targetImages?.value ?? fromDiagnosis;
  if (expectedImages.length === 0) {
    warnings.push('the images at the target revision are unknown: verify-digest can only check that the rollout completed');
  }
  const steps: PlanStep[] = buildSteps({
    facts,
    policy,
    target: lkg.entry,
    expectedImages,
    preflightChecks: [
      `current revision is ${currentRevision}`,
      `latest history id is ${latest ?? 'none'}`,
      `auto-sync is ${base.assumptions.autoSync ? 'on' : 'off'}`,
      `history ${lkg.entry.id} is ${lkg.entry.revision}`,
      'no operation is running',
    ],
  });
  const reasons = rollbackReasons(results, lkg.entry.id, lkg.entry.revision, currentRevision);
  return deepFreeze<Plan>({ ...base, decision: 'rollback', reasons, warnings, steps });
}

function rollbackReasons(results: readonly PreflightResult[], id: number, good: string, bad: string): string[] {
  const detail = (id: string) => results.find((r) => r.check.id === id)?.check.detail;
  return [
    detail('correlation'),
    `last-known-good: history ${id} (${shortHash(good)}); current ${shortHash(bad)}`,
    detail('schema'),
  ].filter((r): r is string => r !== undefined);
}
