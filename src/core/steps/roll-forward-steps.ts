import { shortHash } from '../domain.ts';
import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

function notFix(revision: string, plan: Plan): string | undefined {
  if (plan.to?.kind !== 'fix-revision') return 'the plan does not roll forward to a fix';
  return revision === plan.to.revision ? undefined : `ships ${shortHash(revision)}, but the plan's fix is ${shortHash(plan.to.revision)}`;
}

/** Re-checks, before anything changes, that the app still runs what the plan rolled forward from and the fix still resolves. */
export const rollforwardPreflight = defineStep({
  kind: 'argocd.preflight-fix',
  phase: 'mitigate',
  params: S.object({ fixRevision: S.string() }),
  ports: ['gitops', 'repo'],
  expectedSeconds: 5,
  failure: 'refused',
  contradicts: (p, plan) => notFix(p.fixRevision, plan),
});

/**
 * Ships the fix through Argo CD: a sync of the Application to the fix's hash (the branch it sits
 * on is not the tracked one), with auto-sync already held so the controller does not put the
 * tracked branch back (upstream `controller/appcontroller.go` autoSync would).
 */
export const rollforwardSyncFix = defineStep({
  kind: 'argocd.sync-fix',
  phase: 'mitigate',
  params: S.object({ revision: S.string(), prune: S.boolean() }),
  ports: ['gitops'],
  expectedSeconds: 10,
  failure: 'system',
  contradicts: (p, plan) => notFix(p.revision, plan),
});

/**
 * The follow-up's gate: the fix (or a merge containing it) is on the tracked branch, so giving
 * auto-sync back ships the fix again rather than the bad release. Pending until then; `rewind
 * finish APP` continues.
 */
export const followupAwaitFixMerged = defineStep({
  kind: 'followup.await-fix-merged',
  phase: 'follow-up',
  params: S.object({ fixRevision: S.string(), trackedBranch: S.string() }),
  ports: ['repo'],
  expectedSeconds: 1,
  failure: 'system',
  awaits: 'revert',
  contradicts: (p, plan) => notFix(p.fixRevision, plan),
});
