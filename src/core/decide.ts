import { observe } from './assumptions.ts';
import { runningRevision } from './domain.ts';
import { defaultPolicy, GitOpsFacts, type Facts, type Policy } from './facts.ts';
import { deepFreeze } from './freeze.ts';
import { holders } from './hold-gate.ts';
import { chooseLastKnownGood, type LastKnownGood } from './last-known-good.ts';
import { mechanisms as defaultMechanisms, type Mechanism, type Proposal } from './mechanisms/index.ts';
import type { Plan, Rejection } from './plan.ts';
import { PLAN_VERSION } from './plan.ts';
import { correlationCheck } from './preflight/correlation-check.ts';
import { diagnosisCheck } from './preflight/diagnosis-check.ts';
import { lastKnownGoodCheck } from './preflight/last-known-good-check.ts';
import { metricsCheck } from './preflight/metrics-check.ts';
import { openRunCheck } from './preflight/open-run-check.ts';
import { operationCheck } from './preflight/operation-check.ts';
import { ownershipCheck } from './preflight/ownership-check.ts';
import { schemaCheck } from './preflight/schema-check.ts';
import { syncModeCheck } from './preflight/sync-mode-check.ts';
import type { Preflight, PreflightResult } from './preflight/types.ts';
import { workloadCheck } from './preflight/workload-check.ts';
import { dataLayerCheck } from './mechanisms/data-layer/handoff-check.ts';

/** The runbook's pre-flight, in its order. */
const CHECKS: readonly Preflight[] = [openRunCheck, correlationCheck, metricsCheck, schemaCheck, dataLayerCheck, lastKnownGoodCheck, syncModeCheck, ownershipCheck, diagnosisCheck, workloadCheck, operationCheck];

/**
 * The decision core: the runbook's pre-flight, then the decision tree as a pure function of the
 * facts. No await, no clock (`facts.now` is the time), no env, no I/O; the same facts give the
 * same, deeply frozen plan.
 *
 * Every mechanism proposes or declines; the first (in the tree's order, or the one
 * `policy.mechanism` names) that does not decline decides: its plan, its refusal or its noop. The
 * others are listed in `rejected` with their reasons, so the plan says why not them.
 *
 * ### Examples
 * ```ts
 * const plan = decide(FakeFacts.seed().build());
 * plan.decision;                    // 'rollback'
 * plan.mechanism;                   // 'argocd-rollback'
 * plan.rejected[0];                 // { mechanism: 'feature-flag', reason: 'no feature flag is declared …' }
 * plan.steps.map((s) => s.kind);    // ['argocd.preflight', 'argocd.disable-auto-sync', 'argocd.rollback', …]
 * decide(FakeFacts.seed().migrations('unsafe', 'm/0042_drop.sql').build()).decision; // 'refuse'
 * ```
 */
export function decide(facts: Facts, policy: Policy = defaultPolicy, mechanisms: readonly Mechanism[] = defaultMechanisms): Plan {
  const app = facts.application?.value;
  const current = app ? runningRevision(app) : null;
  const lkg: LastKnownGood | null = app
    ? chooseLastKnownGood(app.history, runningRevision(app), facts.requestedId, {
        ...(facts.prunedRevisions ? { pruned: facts.prunedRevisions.value } : {}),
        revisionHistoryLimit: app.revisionHistoryLimit,
      })
    : null;
  const checks: readonly PreflightResult[] =
    GitOpsFacts.is(facts) && lkg !== null ? CHECKS.map((check) => check({ facts, policy, lkg })).filter((r): r is PreflightResult => r !== null) : [];

  const proposals = mechanisms.map((m) => ({ mechanism: m, proposal: m.propose({ facts, policy, lkg, checks }) }));
  const forced = policy.mechanism === undefined ? undefined : proposals.find((p) => p.mechanism.name === policy.mechanism);
  const chosen = forced ?? proposals.find((p) => p.proposal.kind !== 'decline');
  const rejected: Rejection[] = proposals
    .filter((p) => p !== chosen)
    .map((p) => ({ mechanism: p.mechanism.name, reason: rejectionReason(p.proposal, chosen?.mechanism, forced !== undefined) }));

  const base = {
    kind: 'Plan' as const,
    version: PLAN_VERSION as typeof PLAN_VERSION,
    app: facts.app.name,
    workload: facts.app.workload,
    mechanism: chosen?.mechanism.name ?? null,
    rejected,
    from: { historyId: lkg?.current?.id ?? null, revision: current },
    preflight: checks.map((r) => r.check),
    createdAt: facts.now,
    assumptions: observe(facts),
  };
  const p: Proposal | undefined = chosen?.proposal;
  // A held app is refused before any mechanism's judgement counts: each judged the state the
  // holding run made (hold-gate.ts). What the chosen mechanism would have refused for too follows.
  const held = holders(facts).map((h) => h.refusal);
  if (held.length > 0) {
    const own = p?.kind === 'refuse' ? p.reasons.filter((r) => !held.includes(r)) : [];
    const warnings = p?.kind === 'refuse' || p?.kind === 'plan' ? [...staleRepo(facts), ...p.warnings] : staleRepo(facts);
    return deepFreeze<Plan>({ ...base, decision: 'refuse', reasons: [...held, ...own], warnings, to: p && p.kind !== 'decline' ? p.to : null, steps: [] });
  }
  if (p === undefined) {
    const reasons = [`no rollback mechanism applies to ${facts.app.name}: ${rejected.map((r) => `${r.mechanism}: ${r.reason}`).join('; ')}`];
    return deepFreeze<Plan>({ ...base, decision: 'refuse', reasons, warnings: [], to: null, steps: [] });
  }
  switch (p.kind) {
    case 'plan':
      return deepFreeze<Plan>({ ...base, decision: 'rollback', reasons: p.reasons, warnings: [...staleRepo(facts), ...p.warnings], to: p.to, steps: p.steps });
    case 'noop':
      return deepFreeze<Plan>({ ...base, decision: 'noop', reasons: [p.reason], warnings: [], to: p.to, steps: [] });
    case 'refuse':
      return deepFreeze<Plan>({ ...base, decision: 'refuse', reasons: p.reasons, warnings: [...staleRepo(facts), ...p.warnings], to: p.to, steps: [] });
    case 'decline':
      // Only a forced mechanism can be chosen while declining: say why it cannot be used.
      return deepFreeze<Plan>({ ...base, decision: 'refuse', reasons: [`${policy.mechanism ?? ''} cannot be used: ${p.reason}`], warnings: [], to: null, steps: [] });
  }
}

function rejectionReason(p: Proposal, chosen: Mechanism | undefined, forced: boolean): string {
  if (p.kind === 'decline') return p.reason;
  const above = !chosen ? 'not chosen' : forced ? `the policy (--mechanism) chose ${chosen.name}` : `${chosen.name} comes first in the decision tree`;
  if (p.kind === 'plan') return `applies, but ${above}`;
  if (p.kind === 'noop') return `nothing to do: ${p.reason}`;
  return `applies but would refuse: ${p.reasons.join('; ')}`;
}

/** A git host outage does not stop a rollback (Argo CD rolls back from its manifest cache), but the plan says what it read. */
function staleRepo(facts: Facts): string[] {
  const stale = facts.configRepoStale;
  return stale ? [`the config repo could not be fetched (${stale.value}): migrations and the diff were read from the local clone as it was last fetched`] : [];
}
