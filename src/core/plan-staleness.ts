import { deployedRevision, shortHash, SyncPolicy } from './domain.ts';
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
  const app = facts.application.value;
  const was = plan.assumptions;
  const out: string[] = [];
  if (plan.app !== app.name) out.push(`the plan is for ${plan.app}, not ${app.name}`);
  if (deployedRevision(app) !== was.currentRevision) {
    out.push(`current revision changed: ${shortHash(was.currentRevision)} -> ${shortHash(deployedRevision(app))}`);
  }
  const latest = app.history.reduce<number | null>((max, e) => (max === null || e.id > max ? e.id : max), null);
  if (latest !== was.latestHistoryId) out.push(`a new sync landed: history ${latest ?? 'none'} (was ${was.latestHistoryId ?? 'none'})`);
  const autoSync = SyncPolicy.isAutoSyncOn(app.syncPolicy);
  if (autoSync !== was.autoSync) out.push(`auto-sync was turned ${autoSync ? 'on' : 'off'} since the plan was made`);
  if (app.source.targetRevision !== was.targetRevision) {
    out.push(`spec.source.targetRevision changed: ${was.targetRevision} -> ${app.source.targetRevision}`);
  }
  if (plan.to !== null) {
    const to = plan.to;
    const entry = app.history.find((e) => e.id === to.historyId);
    if (entry === undefined) out.push(`the target history ${to.historyId} is gone (trimmed by revisionHistoryLimit)`);
    else if (entry.revision !== to.revision) out.push(`history ${to.historyId} now points at ${shortHash(entry.revision)}, not ${shortHash(to.revision)}`);
  }
  if (app.operation?.phase === 'Running') out.push(`an operation is running on ${app.name}`);
  return out;
}
