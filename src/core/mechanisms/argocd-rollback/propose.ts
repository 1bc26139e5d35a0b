import { partialSync, runningRevision, shortHash, SyncPolicy } from '../../domain.ts';
import { ArgoCdApiOutage, GitOpsFacts } from '../../facts.ts';
import type { PlanTarget } from '../../plan.ts';
import type { PreflightResult } from '../../preflight/types.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { argocdSteps } from './steps.ts';

/**
 * The seed runbook: Argo CD sync back to the last-known-good history entry, auto-sync held until
 * the revert lands. It refuses (rather than declines) when it applies but a pre-flight check says
 * acting now is unsafe: an unsafe migration, no last-known-good, an operation already running.
 */
export const argocdRollback: Mechanism = {
  name: 'argocd-rollback',
  summary: 'sync the Argo CD Application back to the last-known-good revision',
  propose({ facts, policy, lkg, checks }) {
    // Issue 13: `argocd app rollback` is an API call; with the API down the tree goes on to the undo.
    if (facts.argocdApi) return Proposal.decline(`${ArgoCdApiOutage.describe(facts.argocdApi.value)} (its rollback is an API call)`);
    if (!GitOpsFacts.is(facts) || lkg === null) return Proposal.decline(`${facts.app.name} has no Argo CD Application`);
    const app = facts.application.value;
    const current = runningRevision(app);
    const partial = partialSync(app);
    const to: PlanTarget | null = lkg.ok ? { kind: 'argocd-history', historyId: lkg.entry.id, revision: lkg.entry.revision, deployedAt: lkg.entry.deployedAt } : null;
    const warnings = checks.flatMap((r) => r.warnings);
    if (lkg.ok && lkg.entry.revision === current) {
      return { kind: 'noop', to, reason: `${app.name} already runs ${shortHash(current)}, the revision of history ${lkg.entry.id}: nothing to roll back` };
    }
    const refusals = checks.flatMap((r) => r.refusals);
    if (!lkg.ok || to === null || refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };

    const fromDiagnosis = (facts.diagnosis?.value.images ?? []).map((i) => i.from).filter((i): i is string => i !== undefined);
    const expectedImages = facts.targetImages?.value ?? fromDiagnosis;
    const moreWarnings = expectedImages.length === 0 ? ['the images at the target revision are unknown: verify-digest can only check that the rollout completed'] : [];
    const latest = app.history.reduce<number | null>((max, e) => (max === null || e.id > max ? e.id : max), null);
    const steps = argocdSteps({
      facts,
      policy,
      target: lkg.entry,
      expectedImages,
      preflightChecks: [
        `current revision is ${current}`,
        `latest history id is ${latest ?? 'none'}`,
        `auto-sync is ${SyncPolicy.isAutoSyncOn(app.syncPolicy) ? 'on' : 'off'}`,
        `history ${lkg.entry.id} is ${lkg.entry.revision}`,
        'no operation is running',
      ],
    });
    const partialReason = partial ? [`the sync to ${shortHash(partial.revision)} ended ${partial.phase} after applying part of it (${partial.message ?? 'no message'}), leaving no history entry: history ${lkg.entry.id} is the last successful deploy, and rolling back to it re-applies every object`] : [];
    return { kind: 'plan', to, steps, reasons: [...partialReason, ...reasonsFrom(checks, lkg.entry.id, lkg.entry.revision, current)], warnings: [...warnings, ...moreWarnings] };
  },
};

function reasonsFrom(results: readonly PreflightResult[], id: number, good: string, bad: string): string[] {
  const detail = (checkId: string) => results.find((r) => r.check.id === checkId)?.check.detail;
  return [detail('correlation'), `last-known-good: history ${id} (${shortHash(good)}); current ${shortHash(bad)}`, detail('schema')].filter((r): r is string => r !== undefined);
}
