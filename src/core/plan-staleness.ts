import { assumptionChanges, observe } from './assumptions.ts';
import { shortHash } from './domain.ts';
import type { Facts } from './facts.ts';
import type { Plan } from './plan.ts';

/**
 * What changed in live state since `plan` was made; empty means the plan still holds.
 * `rollback --plan FILE` refuses a stale plan and prints these lines.
 *
 * ### Examples
 * ```ts
 * checkPlanStillValid(plan, facts);
 * // [] or ['current revision changed: d8f3c2a -> e4f5a6b', 'a new sync landed: history 43 (was 42)']
 * ```
 */
export function checkPlanStillValid(plan: Plan, facts: Facts): string[] {
  const out: string[] = [];
  if (plan.app !== facts.app.name) out.push(`the plan is for ${plan.app}, not ${facts.app.name}`);
  out.push(...assumptionChanges(plan.assumptions, observe(facts)));
  const app = facts.application?.value;
  if (plan.to?.kind === 'argocd-history') {
    const to = plan.to;
    const entry = app?.history.find((e) => e.id === to.historyId);
    if (entry === undefined) out.push(`the target history ${to.historyId} is gone (trimmed by revisionHistoryLimit)`);
    else if (entry.revision !== to.revision) out.push(`history ${to.historyId} now points at ${shortHash(entry.revision)}, not ${shortHash(to.revision)}`);
  }
  const rollout = facts.rollout?.value;
  if (plan.mechanism === 'argo-rollouts' && plan.to?.kind === 'replicaset-revision' && rollout) {
    const name = plan.to.replicaSet;
    if (!rollout.replicaSets.some((s) => s.name === name)) out.push(`the target ReplicaSet ${name} is gone from rollout ${rollout.name} (revisionHistoryLimit)`);
  }
  if (app?.operation?.phase === 'Running') out.push(`an operation is running on ${app.name}`);
  return out;
}
