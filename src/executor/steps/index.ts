import type { StepHandler } from '../step-context.ts';
import { releaseHold, writeHold } from './hold-steps.ts';
import { awaitBranchHead, awaitRevert, syncToBranch, waitSyncedToBranch } from './followup-steps.ts';
import { argocdRollback, preflight, verifyDigest, waitHealthy } from './rollback-steps.ts';
import { verifyMetrics } from './verify-metrics-step.ts';
import { kubePreflight, kubeReleaseHold, kubeRolloutUndo, kubeWaitRollout, kubeWriteHold } from './kube-undo-steps.ts';
import { revert } from './revert-steps.ts';
import { rolloutsAbort, rolloutsPromote, rolloutsPromoteFull, rolloutsReleaseHold, rolloutsRetry, rolloutsUndo, rolloutsWaitStable, rolloutsWriteHold } from './rollouts-steps.ts';
import { awaitFixMerged, rollForwardPreflight, rollForwardSyncFix } from './roll-forward-steps.ts';
import { flagOff, flagWaitApplied } from './flag-steps.ts';
import { downMigration, snapshotSchema } from './db-steps.ts';
import { disableAutoSync, holdOwner, pinTargetRevision, restoreOwner, restoreSyncPolicy, unpinTargetRevision } from './sync-policy-steps.ts';

/** One handler per step kind of `core/steps/` (a test checks both lists agree). */
export const stepHandlers: readonly StepHandler<unknown>[] = [
  preflight,
  writeHold,
  holdOwner,
  disableAutoSync,
  pinTargetRevision,
  argocdRollback,
  waitHealthy,
  verifyDigest,
  verifyMetrics,
  awaitRevert,
  unpinTargetRevision,
  awaitBranchHead,
  restoreSyncPolicy,
  restoreOwner,
  syncToBranch,
  waitSyncedToBranch,
  releaseHold,
  kubePreflight,
  kubeWriteHold,
  kubeRolloutUndo,
  kubeWaitRollout,
  kubeReleaseHold,
  revert,
  rolloutsAbort,
  rolloutsWaitStable,
  rolloutsUndo,
  rolloutsPromoteFull,
  rolloutsRetry,
  rolloutsPromote,
  rolloutsWriteHold,
  rolloutsReleaseHold,
  rollForwardPreflight,
  rollForwardSyncFix,
  awaitFixMerged,
  flagOff,
  flagWaitApplied,
  snapshotSchema,
  downMigration,
];
