import { SyncPolicy } from '../domain.ts';
import type { GitOpsFacts, Policy } from '../facts.ts';
import type { Evidence, PlanStep } from '../plan.ts';
import * as argocd from '../steps/argocd-steps.ts';
import { makeStep } from '../steps/step-definition.ts';

/**
 * The follow-up's last steps once git agrees with what runs (the revert landed, or the fix was
 * merged): Argo CD compares with the branch head, the saved auto-sync comes back (or, when the
 * saved policy is manual, one sync to the head), the app settles, the hold goes. The Argo CD
 * rollback builds its own, because a pin and an owner are given back between these.
 */
export function giveBackSteps(facts: GitOpsFacts, policy: Policy, workloadTarget: string): PlanStep[] {
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const branch = app.source.targetRevision;
  const saved = app.syncPolicy;
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: facts.application.source };
  const step: typeof makeStep = (def, fields, params) => makeStep(def, fields, params, policy.expectedSeconds[def.kind]);
  return [
    step(argocd.argocdAwaitBranchHead, {
      title: `Wait until Argo CD compares ${app.name} with the head of ${branch} (hard refresh)`, target: appTarget,
      checks: [`status.sync.revision = the head of ${branch}`], evidence: [],
    }, { trackedBranch: branch }),
    SyncPolicy.isAutoSyncOn(saved)
      ? step(argocd.argocdRestoreSyncPolicy, {
        title: `Restore the saved sync policy (${argocd.describePolicy(saved)})`, target: appTarget,
        checks: ['spec.syncPolicy.automated is exactly what the run saved'], evidence: [policyEvidence],
      }, { saved })
      : step(argocd.argocdSyncToBranch, {
        title: `Sync to the head of ${branch} (the saved policy is manual)`, target: appTarget, checks: ['the sync is accepted'], evidence: [policyEvidence],
      }, { trackedBranch: branch }),
    step(argocd.argocdWaitSyncedToBranch, {
      title: `Wait until ${app.name} is Synced to ${branch}, Healthy, rolled out`, target: workloadTarget,
      checks: [`Synced to the head of ${branch}`, 'Healthy', 'rollout complete'], evidence: [],
    }, { trackedBranch: branch }),
    step(argocd.argocdReleaseHold, { title: `Release the hold on ${app.name}`, target: appTarget, checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
  ];
}
