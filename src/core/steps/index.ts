import type { StepDefinition } from './step-definition.ts';
import * as argocd from './argocd-steps.ts';
import { followupAwaitRevert, followupRevert } from './followup-steps.ts';
import * as kube from './kube-steps.ts';
import * as rollouts from './rollouts-steps.ts';
import * as rollForward from './roll-forward-steps.ts';
import { flagOff, flagWaitApplied } from './flag-steps.ts';
import { verifyDigest, verifyMetrics } from './verify-steps.ts';
import { dbDownMigration, dbSnapshotSchema } from './db-steps.ts';

/**
 * Every step kind rewind knows, once. A mechanism builds its steps from these; the executor has
 * one handler per entry (checked by a test); a saved plan naming anything else is refused.
 */
export const stepDefinitions: readonly StepDefinition<unknown>[] = [
  argocd.argocdPreflight,
  argocd.argocdWriteHold,
  argocd.argocdHoldOwner,
  argocd.argocdDisableAutoSync,
  argocd.argocdPinTargetRevision,
  argocd.argocdRollback,
  argocd.argocdWaitHealthy,
  verifyDigest,
  verifyMetrics,
  followupAwaitRevert,
  argocd.argocdUnpinTargetRevision,
  argocd.argocdAwaitBranchHead,
  argocd.argocdRestoreSyncPolicy,
  argocd.argocdRestoreOwner,
  argocd.argocdSyncToBranch,
  argocd.argocdWaitSyncedToBranch,
  argocd.argocdReleaseHold,
  kube.kubePreflight,
  kube.kubeWriteHold,
  kube.kubeRolloutUndo,
  kube.kubeWaitRollout,
  kube.kubeReleaseHold,
  followupRevert,
  rollouts.rolloutsAbort,
  rollouts.rolloutsWaitStable,
  rollouts.rolloutsUndo,
  rollouts.rolloutsPromoteFull,
  rollouts.rolloutsRetry,
  rollouts.rolloutsPromote,
  rollouts.rolloutsWriteHold,
  rollouts.rolloutsReleaseHold,
  rollForward.rollforwardPreflight,
  rollForward.rollforwardSyncFix,
  rollForward.followupAwaitFixMerged,
  flagOff,
  flagWaitApplied,
  dbSnapshotSchema,
  dbDownMigration,
];

const byKind = new Map(stepDefinitions.map((d) => [d.kind, d]));

export function stepDefinition(kind: string): StepDefinition<unknown> | undefined {
  return byKind.get(kind);
}

export { defineStep, makeStep, type PortName, type StepDefinition, type StepFields } from './step-definition.ts';
