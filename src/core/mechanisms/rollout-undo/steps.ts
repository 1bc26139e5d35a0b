import { shortHash, SyncPolicy } from '../../domain.ts';
import type { Facts, GitOpsFacts, Policy } from '../../facts.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import type { ReplicaSetRevision } from '../../rollout-history.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { followupAwaitRevert } from '../../steps/followup-steps.ts';
import { revertSteps } from '../revert-step.ts';
import * as kube from '../../steps/kube-steps.ts';
import { makeStep, type StepDefinition, type StepFields } from '../../steps/step-definition.ts';
import { verifyDigest, verifyMetricsStep } from '../../steps/verify-steps.ts';
import { giveBackSteps } from '../give-back-steps.ts';

type Step = <P>(def: StepDefinition<P>, fields: StepFields, params: P) => PlanStep;

const stepMaker = (policy: Policy): Step => (def, fields, params) => makeStep(def, fields, params, policy.expectedSeconds[def.kind]);

interface UndoInput {
  readonly facts: Facts;
  readonly policy: Policy;
  readonly target: ReplicaSetRevision;
  readonly current: ReplicaSetRevision | undefined;
  readonly generation: number;
}

const workloadTarget = (facts: Facts): string => {
  const w = facts.workload.value.ref;
  return `deployment ${w.namespace}/${w.name} (${w.cluster})`;
};

/** Undo, wait like `rollout status`, verify the digests and the metrics: the same in both plans. */
function undoAndVerify(input: UndoInput, step: Step): PlanStep[] {
  const { facts, target } = input;
  const at = workloadTarget(facts);
  const source = facts.rolloutHistory?.source ?? 'kubernetes';
  const images = target.images.map((i) => i.image);
  return [
    step(kube.kubeRolloutUndo, {
      title: `Roll the Deployment back to revision ${target.revision} (ReplicaSet ${target.replicaSet}), as kubectl rollout undo --to-revision=${target.revision}`,
      target: at,
      checks: ['spec.template is the ReplicaSet\'s template (pod-template-hash removed)', 'annotations as kubectl copies them'],
      evidence: [{ claim: `revision ${target.revision} = ${target.replicaSet}: ${images.join(', ')}`, source }],
    }, { toRevision: target.revision, replicaSet: target.replicaSet }),
    step(kube.kubeWaitRollout, {
      title: `Wait until revision ${target.revision} is rolled out (kubectl rollout status)`,
      target: at,
      checks: ['observedGeneration current', 'updated == replicas == available', 'no progress deadline exceeded by this rollout'],
      evidence: [{ claim: 'rollout status gate', source: facts.workload.source }],
    }, { toRevision: target.revision }),
    step(verifyDigest, {
      title: `Verify every Pod runs revision ${target.revision}'s images`,
      target: at,
      checks: images.map((i) => `every Pod runs ${i} (by digest)`),
      evidence: [{ claim: `the images of ReplicaSet ${target.replicaSet}`, source }],
    }, { expectedImages: images }),
    verifyMetricsStep({ facts, policy: input.policy, target: at }),
  ];
}

/** `gitops: none`: nothing else deploys it, so the hold goes on the Deployment and the run ends verified. */
export function undoSteps(input: UndoInput): PlanStep[] {
  const step = stepMaker(input.policy);
  const at = workloadTarget(input.facts);
  const from = input.current ? `revision ${input.current.revision} (${input.current.replicaSet})` : 'the current revision';
  return [
    step(kube.kubePreflight, {
      title: 'Re-check the Deployment against the plan', target: at,
      checks: ['same generation', 'not paused', `revision ${input.target.revision} still exists`, 'no other run holds it'],
      evidence: [{ claim: `generation ${input.generation}`, source: input.facts.workload.source }],
    }, { generation: input.generation, toRevision: input.target.revision, argocdApp: false }),
    step(kube.kubeWriteHold, {
      title: 'Hold the Deployment: an annotation naming this run, so no other rewind acts on it', target: at,
      checks: ['metadata.annotations["rewind.io/hold"] names this run'], evidence: [],
    }, { badRevision: from }),
    ...undoAndVerify(input, step),
    step(kube.kubeReleaseHold, { title: 'Release the hold on the Deployment', target: at, checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
  ];
}

export interface ArgoUndoInput extends UndoInput {
  readonly facts: GitOpsFacts;
  readonly bad: string;
}

/**
 * An Argo CD app with auto-sync: the seed's "always pair a direct kubectl rollback with a matching
 * Git revert". Hold the app and its self-heal first (else Argo CD puts the bad template back
 * within seconds), undo, verify, revert in git, then give back exactly what was saved.
 */
export function argoUndoSteps(input: ArgoUndoInput): PlanStep[] {
  const { facts, bad } = input;
  const step = stepMaker(input.policy);
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const branch = app.source.targetRevision;
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: facts.application.source };
  // Argo CD's API is down: the hold and the sync policy are written on the CR (Kubernetes API).
  const via = facts.argocdApi?.value.cr.readable ? ' (through the Application CR: Argo CD\'s API is down)' : '';
  const steps: PlanStep[] = [
    step(kube.kubePreflight, {
      title: 'Re-check the Deployment and the Application against the plan', target: workloadTarget(facts),
      checks: ['same generation', 'not paused', `revision ${input.target.revision} still exists`, `${app.name} still deploys ${shortHash(bad)}`, 'no other run holds it'],
      evidence: [{ claim: `generation ${input.generation}`, source: facts.workload.source }],
    }, { generation: input.generation, toRevision: input.target.revision, argocdApp: true }),
    step(argocd.argocdWriteHold, {
      title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it${via}`, target: appTarget,
      checks: ['metadata.annotations["rewind.io/hold"] names this run and what it will give back'], evidence: [policyEvidence],
    }, { badRevision: bad, saved: { syncPolicy: saved, targetRevision: undefined } }),
  ];
  if (autoOn) {
    steps.push(step(argocd.argocdDisableAutoSync, {
      title: `Disable auto-sync first: with ${saved.automated?.selfHeal ? 'self-heal' : 'auto-sync'} on, Argo CD would put ${shortHash(bad)} back over the undo${via}`, target: appTarget,
      checks: ['auto-sync is off', 'the saved policy is journaled for the follow-up'], evidence: [policyEvidence],
    }, { saved }));
  }
  steps.push(...undoAndVerify(input, step));
  // The paired plan reverts in git unless told otherwise: push is the default here.
  steps.push(...revertSteps(facts, input.policy, bad, branch, 'push'));
  steps.push(
    step(followupAwaitRevert, {
      title: `Wait for the revert of ${shortHash(bad)} on ${branch}; auto-sync stays off until then`, target: `config repo ${branch}`,
      checks: [`a commit on ${branch} reverts ${shortHash(bad)}; until then the run stays open and \`rewind finish ${app.name}\` continues it`], evidence: [policyEvidence],
    }, { badRevision: bad, trackedBranch: branch }),
    ...giveBackSteps(facts, input.policy, workloadTarget(facts)),
  );
  return steps;
}
