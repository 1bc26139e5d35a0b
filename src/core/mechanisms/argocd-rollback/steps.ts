import { deployedRevision, shortHash, SyncPolicy, type HistoryEntry } from '../../domain.ts';
import type { GitOpsFacts, Policy } from '../../facts.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { followupAwaitRevert } from '../../steps/followup-steps.ts';
import { makeStep, type StepDefinition, type StepFields } from '../../steps/step-definition.ts';
import { verifyDigest, verifyMetricsStep } from '../../steps/verify-steps.ts';

export interface StepsInput {
  readonly facts: GitOpsFacts;
  readonly policy: Policy;
  readonly target: HistoryEntry;
  /** Expected image strings after the rollback; empty when unknown. */
  readonly expectedImages: readonly string[];
  /** Titles of the pre-flight checks the executor re-checks before acting. */
  readonly preflightChecks: readonly string[];
}

/** A pinned image is compared by its digest; a tag by the digest the registry resolves it to at verification. */
function expectedCheck(image: string): string {
  return /@sha256:[0-9a-f]{64}$/.test(image) ? `every Pod's imageID matches ${image}` : `every Pod runs the digest ${image} resolves to in its registry (a tag: resolved when verifying)`;
}

/**
 * The runbook's Steps 3a-3d as plan steps. Without a parent: save and disable auto-sync (3a), roll
 * back to the history id (3b). With an ApplicationSet/parent owner, which puts syncPolicy back:
 * pin targetRevision to the good SHA; with auto-sync on, Argo CD then syncs it itself (and would
 * refuse a rollback call), so 3b only runs when auto-sync is off. Verify: Healthy on the target,
 * the good digest (3c). Follow-up (3d): the revert lands, then exactly what was saved comes back.
 */
export function argocdSteps(input: StepsInput): PlanStep[] {
  const { facts, target, policy } = input;
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const appSource = facts.application.source;
  const w = facts.workload.value.ref;
  const workloadTarget = `${w.kind.toLowerCase()} ${w.namespace}/${w.name} (${w.cluster})`;
  const good = shortHash(target.revision);
  const bad = deployedRevision(app);
  const branch = app.source.targetRevision;
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const step = <P>(def: StepDefinition<P>, fields: StepFields, params: P): PlanStep =>
    makeStep(def, fields, params, policy.expectedSeconds[def.kind]);
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: appSource };
  const pinned = app.owner !== undefined;

  const steps: PlanStep[] = [
    step(argocd.argocdPreflight, {
      title: 'Re-check live state against the plan', target: appTarget,
      checks: ['live state matches the plan\'s assumptions'],
      evidence: [{ claim: `current revision ${shortHash(bad)}`, source: appSource }],
    }, { checks: input.preflightChecks }),
    step(argocd.argocdWriteHold, {
      title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it`, target: appTarget,
      checks: [`metadata.annotations["rewind.io/hold"] names this run and what it will give back`],
      evidence: [policyEvidence],
    }, { badRevision: bad, saved: { syncPolicy: saved, ...(pinned ? { targetRevision: branch } : {}) } }),
  ];
  if (pinned) {
    steps.push(step(argocd.argocdPinTargetRevision, {
      title: `Pin targetRevision to ${good} (${app.owner.kind} ${app.owner.name} would put syncPolicy back)`, target: appTarget,
      checks: [`spec.source.targetRevision = ${target.revision}`],
      evidence: [{ claim: `owned by ${app.owner.kind} ${app.owner.name}`, source: appSource }, { claim: `targetRevision was ${branch}`, source: appSource }],
    }, { revision: target.revision, previousTargetRevision: branch, saved }));
  } else if (autoOn) {
    steps.push(step(argocd.argocdDisableAutoSync, {
      title: 'Disable auto-sync so the rollback sticks (3a)', target: appTarget,
      checks: ['auto-sync is off', 'the saved policy is journaled for the follow-up'],
      evidence: [policyEvidence],
    }, { saved }));
  }
  if (!pinned || !autoOn) {
    steps.push(step(argocd.argocdRollback, {
      title: `Roll back to history ${target.id} (${good}) (3b)`, target: appTarget,
      checks: [`an operation to ${good} is accepted`],
      evidence: [{ claim: `history ${target.id} = ${target.revision}`, source: appSource }],
    }, { id: target.id, revision: target.revision, prune: saved.automated?.prune ?? false }));
  }
  steps.push(
    step(argocd.argocdWaitHealthy, {
      title: `Wait until ${good} runs, Healthy, rollout complete`, target: workloadTarget,
      checks: [`Argo CD: the operation to ${good} succeeded (the app shows OutOfSync against the branch until the revert lands)`, 'Argo CD: Healthy', 'rollout complete: observedGeneration current, updated == replicas == available'],
      evidence: [{ claim: 'rollout status gate', source: facts.workload.source }],
    }, { revision: target.revision }),
    step(verifyDigest, {
      title: 'Verify every Pod runs the good image (3c)', target: workloadTarget,
      checks: input.expectedImages.length ? input.expectedImages.map(expectedCheck) : ['the rollout completed (no expected images known)'],
      evidence: input.expectedImages.length ? [{ claim: 'images at the target revision', source: facts.targetImages?.source ?? facts.diagnosis?.source ?? 'diagnosis' }] : [],
    }, { expectedImages: input.expectedImages }),
    verifyMetricsStep({ facts, policy, target: workloadTarget }),
    step(followupAwaitRevert, {
      title: `Wait for the revert of ${shortHash(bad)} on ${branch} (3d); ${pinned ? 'targetRevision stays pinned' : 'auto-sync stays off'} until then`, target: `config repo ${branch}`,
      checks: [`a commit on ${branch} reverts ${shortHash(bad)}; until then the run stays open and \`rewind finish ${app.name}\` continues it`],
      evidence: [policyEvidence],
    }, { badRevision: bad, trackedBranch: branch }),
  );
  if (pinned) {
    steps.push(step(argocd.argocdUnpinTargetRevision, {
      title: `Unpin targetRevision back to ${branch}`, target: appTarget, checks: [`spec.source.targetRevision = ${branch}`], evidence: [],
    }, { previousTargetRevision: branch }));
  }
  steps.push(step(argocd.argocdAwaitBranchHead, {
    title: `Wait until Argo CD compares ${app.name} with the head of ${branch} (hard refresh)`, target: appTarget,
    checks: [`status.sync.revision = the head of ${branch}`], evidence: [],
  }, { trackedBranch: branch }));
  if (!pinned && autoOn) {
    steps.push(step(argocd.argocdRestoreSyncPolicy, {
      title: `Restore the saved sync policy (${argocd.describePolicy(saved)})`, target: appTarget,
      checks: ['spec.syncPolicy.automated is exactly what the run saved'], evidence: [policyEvidence],
    }, { saved }));
  }
  if (!autoOn) {
    steps.push(step(argocd.argocdSyncToBranch, {
      title: `Sync to the head of ${branch} (the saved policy is manual)`, target: appTarget, checks: ['the sync is accepted'], evidence: [policyEvidence],
    }, { trackedBranch: branch }));
  }
  steps.push(step(argocd.argocdWaitSyncedToBranch, {
    title: `Wait until ${app.name} is Synced to ${branch}, Healthy, rolled out`, target: workloadTarget,
    checks: [`Synced to the head of ${branch}`, 'Healthy', 'rollout complete'], evidence: [],
  }, { trackedBranch: branch }),
  step(argocd.argocdReleaseHold, {
    title: `Release the hold on ${app.name}`, target: appTarget, checks: ['no rewind.io/hold annotation'], evidence: [],
  }, {}));
  return steps;
}
