import { runningRevision, shortHash, SyncPolicy } from '../../domain.ts';
import type { FixRevision, GitOpsFacts, Policy } from '../../facts.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { followupAwaitFixMerged, rollforwardPreflight, rollforwardSyncFix } from '../../steps/roll-forward-steps.ts';
import { makeStep, type StepDefinition, type StepFields } from '../../steps/step-definition.ts';
import { verifyDigest, verifyMetricsStep } from '../../steps/verify-steps.ts';
import { giveBackSteps } from '../give-back-steps.ts';

/**
 * Roll forward through Argo CD, with the same holds a rollback takes (argocd-rollback/steps.ts):
 * the hold annotation, auto-sync off (so the controller does not sync the tracked branch, still
 * on the bad release, over the fix), a sync to the fix's hash, the same waits and verification;
 * the follow-up gives auto-sync back once the fix (or a merge containing it) is on the branch.
 */
export function rollForwardSteps(facts: GitOpsFacts, policy: Policy, fix: FixRevision, fixSource: string): PlanStep[] {
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const appSource = facts.application.source;
  const w = facts.workload.value.ref;
  const workloadTarget = `${w.kind.toLowerCase()} ${w.namespace}/${w.name} (${w.cluster})`;
  const bad = runningRevision(app);
  const branch = app.source.targetRevision;
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const short = shortHash(fix.revision);
  const step = <P>(def: StepDefinition<P>, fields: StepFields, params: P): PlanStep => makeStep(def, fields, params, policy.expectedSeconds[def.kind]);
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: appSource };
  const fixEvidence: Evidence = { claim: `${fix.ref} = ${fix.revision}`, source: fixSource };

  const steps: PlanStep[] = [
    step(rollforwardPreflight, {
      title: `Re-check live state, and that ${fix.ref} still resolves to ${short}`, target: appTarget,
      checks: [`the app runs ${shortHash(bad)}`, 'no operation is running', `${fix.ref} = ${short}`], evidence: [fixEvidence],
    }, { fixRevision: fix.revision }),
    step(argocd.argocdWriteHold, {
      title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it`, target: appTarget,
      checks: ['metadata.annotations["rewind.io/hold"] names this run and what it will give back'], evidence: [policyEvidence],
    }, { badRevision: bad, saved: { syncPolicy: saved } }),
  ];
  if (autoOn) {
    steps.push(step(argocd.argocdDisableAutoSync, {
      title: 'Disable auto-sync so the controller does not sync the tracked branch (the bad release) over the fix', target: appTarget,
      checks: ['auto-sync is off', 'the saved policy is journaled for the follow-up'], evidence: [policyEvidence],
    }, { saved }));
  }
  steps.push(
    step(rollforwardSyncFix, {
      title: `Roll forward: sync ${app.name} to the fix ${fix.ref} (${short})`, target: appTarget,
      checks: [`an operation to ${short} is accepted`], evidence: [fixEvidence],
    }, { revision: fix.revision, prune: saved.automated?.prune ?? false }),
    step(argocd.argocdWaitHealthy, {
      title: `Wait until ${short} runs, Healthy, rollout complete`, target: workloadTarget,
      checks: [`Argo CD: the operation to ${short} succeeded`, 'Argo CD: Healthy', 'rollout complete'], evidence: [{ claim: 'rollout status gate', source: facts.workload.source }],
    }, { revision: fix.revision }),
    step(verifyDigest, {
      title: `Verify every Pod runs the fix's images`, target: workloadTarget,
      checks: fix.images.length ? fix.images.map((i) => `every Pod runs ${i}`) : ['the rollout completed (the fix\'s images are unknown)'],
      evidence: fix.images.length ? [{ claim: 'images at the fix revision', source: fixSource }] : [],
    }, { expectedImages: fix.images }),
    verifyMetricsStep({ facts, policy, target: workloadTarget }),
    step(followupAwaitFixMerged, {
      title: `Wait until ${fix.ref} (${short}) or a merge containing it is on ${branch}; auto-sync stays off until then`, target: `config repo ${branch}`,
      checks: [`${short} is an ancestor of ${branch}; until then the run stays open and \`rewind finish ${app.name}\` continues it`], evidence: [fixEvidence],
    }, { fixRevision: fix.revision, trackedBranch: branch }),
    ...giveBackSteps(facts, policy, workloadTarget),
  );
  return steps;
}
