import { shortHash, type SyncPolicy } from '../domain.ts';
import { savedFlagSchema, savedOwnerSchema, syncPolicySchema as syncPolicy, type SavedOwner } from '../hold.ts';
import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** Where the hold is written: absent, the app; an ApplicationSet when the set would wipe the app's annotations. */
const holdOn = S.optional(S.object({ kind: S.literal('ApplicationSet'), name: S.string() }));

const describeOwner = (o: SavedOwner): string =>
  o.kind === 'ApplicationSet' ? `ApplicationSet ${o.name} applicationsSync ${o.applicationsSync ?? 'unset (sync)'}` : `parent ${o.name} ${describePolicy(o.syncPolicy)}`;

const describePolicy = (p: SyncPolicy): string =>
  p.automated ? `auto-sync enabled=${p.automated.enabled}, prune=${p.automated.prune}, selfHeal=${p.automated.selfHeal}` : 'manual sync';

/** Contradiction between a revision in the params and the plan's target. */
function notTarget(revision: string, plan: Plan, field: string): string | undefined {
  if (plan.to === null) return `${field} is set but the plan has no target`;
  return revision === plan.to.revision ? undefined : `${field} ${shortHash(revision)} is not the plan's target ${shortHash(plan.to.revision)}`;
}

export const argocdPreflight = defineStep({
  kind: 'argocd.preflight',
  phase: 'mitigate',
  params: S.object({ checks: S.array(S.string()) }),
  ports: ['gitops'],
  expectedSeconds: 5,
  failure: 'system',
});

/**
 * The run's first mutating step: the hold on the Application (core/hold.ts), naming the run and
 * carrying what the run will give back, so no other rewind acts on the app while it is open.
 */
export const argocdWriteHold = defineStep({
  kind: 'argocd.write-hold',
  phase: 'mitigate',
  params: S.object({
    badRevision: S.string(),
    saved: S.object({ syncPolicy, targetRevision: S.optional(S.string()), owner: S.optional(savedOwnerSchema), flags: S.optional(S.array(savedFlagSchema)) }),
    on: holdOn,
  }),
  ports: ['gitops'],
  expectedSeconds: 1,
  failure: 'refused',
  contradicts: (p, plan) => (plan.from.revision !== null && p.badRevision !== plan.from.revision ? `holds for ${shortHash(p.badRevision)}, but the plan rolls back from ${shortHash(plan.from.revision)}` : undefined),
  holds: (p, plan) => (p.on ? `the hold annotation for ${plan.app} on ApplicationSet ${p.on.name}` : `the hold annotation on ${plan.app}`),
});

/** The run's last step: the app is given back; other rewinds may act on it again. */
export const argocdReleaseHold = defineStep({
  kind: 'argocd.release-hold',
  phase: 'follow-up',
  params: S.object({ on: holdOn }),
  ports: ['gitops'],
  expectedSeconds: 1,
  failure: 'system',
  releases: ['argocd.write-hold'],
});

/** Step 3a. */
export const argocdDisableAutoSync = defineStep({
  kind: 'argocd.disable-auto-sync',
  phase: 'mitigate',
  params: S.object({ saved: syncPolicy }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  holds: (p, plan) => `auto-sync off on ${plan.app} (saved: ${describePolicy(p.saved)})`,
});

/** For apps whose parent puts syncPolicy back: the seed's other option, pin targetRevision. */
export const argocdPinTargetRevision = defineStep({
  kind: 'argocd.pin-target-revision',
  phase: 'mitigate',
  params: S.object({ revision: S.string(), previousTargetRevision: S.string(), saved: syncPolicy }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (p, plan) => notTarget(p.revision, plan, 'the pinned revision'),
  holds: (p, plan) => `${plan.app} pinned to ${shortHash(p.revision)} (was ${p.previousTargetRevision})`,
});

/**
 * Before the app is touched, its owner stops putting it back: an ApplicationSet's
 * `applicationsSync` becomes `create-only`, a parent app's auto-sync goes off. `owner` is what
 * the owner had, which `argocd.restore-owner` gives back.
 */
export const argocdHoldOwner = defineStep({
  kind: 'argocd.hold-owner',
  phase: 'mitigate',
  params: S.object({ owner: savedOwnerSchema }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  holds: (p) => (p.owner.kind === 'ApplicationSet' ? `ApplicationSet ${p.owner.name} on create-only (was ${p.owner.applicationsSync ?? 'unset (sync)'})` : `auto-sync off on parent ${p.owner.name} (saved: ${describePolicy(p.owner.syncPolicy)})`),
});

/** Step 3d, after the app's own policy is back: the owner as it was. */
export const argocdRestoreOwner = defineStep({
  kind: 'argocd.restore-owner',
  phase: 'follow-up',
  params: S.object({ owner: savedOwnerSchema }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  releases: ['argocd.hold-owner'],
});

/** Step 3b: `argocd app rollback APP ID`. */
export const argocdRollback = defineStep({
  kind: 'argocd.rollback',
  phase: 'mitigate',
  params: S.object({ id: S.integer({ min: 0 }), revision: S.string(), prune: S.boolean() }),
  ports: ['gitops'],
  expectedSeconds: 30,
  failure: 'system',
  contradicts: (p, plan) =>
    plan.to === null ? 'the plan has no target' : p.id !== plan.to.historyId ? `rolls back to history ${p.id}, but the plan's target is history ${plan.to.historyId}` : notTarget(p.revision, plan, 'the rollback revision'),
});

/** Step 3b's wait: the operation to the target succeeded, Healthy, the workload rolled out. */
export const argocdWaitHealthy = defineStep({
  kind: 'argocd.wait-healthy',
  phase: 'verify',
  params: S.object({ revision: S.string() }),
  ports: ['gitops', 'cluster'],
  expectedSeconds: 90,
  failure: 'verification',
  contradicts: (p, plan) => notTarget(p.revision, plan, 'the awaited revision'),
  redoFrom: 'argocd.rollback',
});

/** Step 3d, once the revert is on the branch: give back the branch as the app's source. */
export const argocdUnpinTargetRevision = defineStep({
  kind: 'argocd.unpin-target-revision',
  phase: 'follow-up',
  params: S.object({ previousTargetRevision: S.string() }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  releases: ['argocd.pin-target-revision'],
});

/**
 * Argo CD caches branch heads; re-enabling auto-sync while it still sees the bad commit would
 * ship it again. Hard-refresh until it compares with the branch head that holds the revert.
 */
export const argocdAwaitBranchHead = defineStep({
  kind: 'argocd.await-branch-head',
  phase: 'follow-up',
  params: S.object({ trackedBranch: S.string() }),
  ports: ['gitops', 'repo'],
  expectedSeconds: 5,
  failure: 'system',
});

/** Step 3d: auto-sync back exactly as saved (the seed's `--sync-policy automated` drops prune/selfHeal). */
export const argocdRestoreSyncPolicy = defineStep({
  kind: 'argocd.restore-sync-policy',
  phase: 'follow-up',
  params: S.object({ saved: syncPolicy }),
  ports: ['gitops'],
  expectedSeconds: 2,
  failure: 'system',
  releases: ['argocd.disable-auto-sync'],
});

/** With a manual saved policy nothing syncs by itself: one sync to the branch head. */
export const argocdSyncToBranch = defineStep({
  kind: 'argocd.sync-to-branch',
  phase: 'follow-up',
  params: S.object({ trackedBranch: S.string() }),
  ports: ['gitops', 'repo'],
  expectedSeconds: 30,
  failure: 'system',
});

/** The run is closed when the app is Synced to the branch head (the revert), Healthy, rolled out. */
export const argocdWaitSyncedToBranch = defineStep({
  kind: 'argocd.wait-synced-to-branch',
  phase: 'follow-up',
  params: S.object({ trackedBranch: S.string() }),
  ports: ['gitops', 'cluster', 'repo'],
  expectedSeconds: 60,
  failure: 'verification',
});

export { describePolicy, describeOwner };
