import { runningRevision, shortHash, SyncPolicy, type HistoryEntry } from '../../domain.ts';
import type { GitOpsFacts, Policy } from '../../facts.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { followupAwaitRevert } from '../../steps/followup-steps.ts';
import { revertSteps } from '../revert-step.ts';
import { makeStep, type StepDefinition, type StepFields } from '../../steps/step-definition.ts';
import type { SavedOwner } from '../../hold.ts';
import { chooseOwnerStrategy, holdLocation } from '../../owner-strategy.ts';
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
 * The runbook's Steps 3a-3d as plan steps, with what makes them stick chosen from the app's owner
 * (core/owner-strategy.ts): hold the owner first when it would put the app back (an
 * ApplicationSet on create-only, a parent's auto-sync off), then save and disable auto-sync (3a)
 * and roll back to the history id (3b). When the owner puts syncPolicy back but leaves
 * targetRevision: pin targetRevision to the good SHA; with auto-sync on, Argo CD then syncs it
 * itself (and would refuse a rollback call), so 3b only runs when auto-sync is off. Verify:
 * Healthy on the target, the good digest (3c). Follow-up (3d): the revert lands, then exactly
 * what was saved comes back, the app's policy before its owner's.
 */
export function argocdSteps(input: StepsInput): PlanStep[] {
  const { facts, target, policy } = input;
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const appSource = facts.application.source;
  const w = facts.workload.value.ref;
  const workloadTarget = `${w.kind.toLowerCase()} ${w.namespace}/${w.name} (${w.cluster})`;
  const good = shortHash(target.revision);
  const bad = runningRevision(app);
  const branch = app.source.targetRevision;
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const step = <P>(def: StepDefinition<P>, fields: StepFields, params: P): PlanStep =>
    makeStep(def, fields, params, policy.expectedSeconds[def.kind]);
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: appSource };
  const strategy = chooseOwnerStrategy(app, facts.app.autoSyncHold);
  // The ownership pre-flight check refuses the run before steps are built for `refuse`.
  const pinned = strategy.kind === 'pin';
  const location = holdLocation(app, strategy);
  const on = location.kind === 'ApplicationSet' ? { on: { kind: 'ApplicationSet' as const, name: location.name } } : {};
  const savedOwner: SavedOwner | undefined =
    strategy.kind === 'hold-appset' ? { kind: 'ApplicationSet', name: strategy.set, applicationsSync: strategy.previous }
    : strategy.kind === 'hold-parent' ? { kind: 'Application', name: strategy.parent, syncPolicy: strategy.previous }
    : undefined;
  const ownerEvidence: Evidence[] = app.owner ? [{ claim: strategy.why, source: `${appSource} (owner ${app.owner.kind} ${app.owner.name})` }] : [];

  const steps: PlanStep[] = [
    step(argocd.argocdPreflight, {
      title: 'Re-check live state against the plan', target: appTarget,
      checks: ['live state matches the plan\'s assumptions'],
      evidence: [{ claim: `current revision ${shortHash(bad)}`, source: appSource }],
    }, { checks: input.preflightChecks }),
    step(argocd.argocdWriteHold, {
      title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it${location.kind === 'ApplicationSet' ? ` (on ApplicationSet ${location.name}, which wipes the app's own annotations)` : ''}`,
      target: location.kind === 'ApplicationSet' ? `argocd appset ${location.name}` : appTarget,
      checks: [`metadata.annotations["rewind.io/hold"] names this run and what it will give back`],
      evidence: [policyEvidence],
    }, { badRevision: bad, saved: { syncPolicy: saved, ...(pinned ? { targetRevision: branch } : {}), ...(savedOwner ? { owner: savedOwner } : {}) }, ...on }),
  ];
  if (savedOwner !== undefined && strategy.kind === 'hold-appset') {
    steps.push(step(argocd.argocdHoldOwner, {
      title: `Hold ApplicationSet ${strategy.set}: applicationsSync create-only, so it stops putting ${app.name} back`, target: `argocd appset ${strategy.set}`,
      checks: ['spec.syncPolicy.applicationsSync = create-only', strategy.siblings.length ? `also frozen until finish: ${strategy.siblings.join(', ')}` : 'the set generates no other app'],
      evidence: ownerEvidence,
    }, { owner: savedOwner }));
  } else if (savedOwner !== undefined && strategy.kind === 'hold-parent') {
    steps.push(step(argocd.argocdHoldOwner, {
      title: `Hold parent ${strategy.parent}: auto-sync off, so it stops re-applying ${app.name}`, target: `argocd app ${strategy.parent}`,
      checks: [`auto-sync is off on ${strategy.parent}`, `its saved policy (${argocd.describePolicy(strategy.previous)}) is journaled for the follow-up`],
      evidence: ownerEvidence,
    }, { owner: savedOwner }));
  }
  if (pinned) {
    steps.push(step(argocd.argocdPinTargetRevision, {
      title: `Pin targetRevision to ${good} (${app.owner?.kind ?? 'its owner'} ${app.owner?.name ?? ''} would put syncPolicy back)`, target: appTarget,
      checks: [`spec.source.targetRevision = ${target.revision}`],
      evidence: [...ownerEvidence, { claim: `targetRevision was ${branch}`, source: appSource }],
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
    ...revertSteps(facts, policy, bad, branch),
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
  if (savedOwner !== undefined) {
    steps.push(step(argocd.argocdRestoreOwner, {
      title: `Give back ${argocd.describeOwner(savedOwner)}`, target: savedOwner.kind === 'ApplicationSet' ? `argocd appset ${savedOwner.name}` : `argocd app ${savedOwner.name}`,
      checks: ['exactly what the run saved, after the app\'s own policy'], evidence: ownerEvidence,
    }, { owner: savedOwner }));
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
    title: `Release the hold on ${app.name}`, target: location.kind === 'ApplicationSet' ? `argocd appset ${location.name}` : appTarget, checks: ['no rewind.io/hold annotation'], evidence: [],
  }, { ...on }));
  return steps;
}
