import { shortHash, SyncPolicy } from '../../domain.ts';
import { GitOpsFacts, type Facts, type Policy } from '../../facts.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import { imagesOf, type RolloutFacts, type RolloutReplicaSet } from '../../rollouts/rollout-facts.ts';
import * as argocd from '../../steps/argocd-steps.ts';
import { followupAwaitRevert } from '../../steps/followup-steps.ts';
import * as ro from '../../steps/rollouts-steps.ts';
import { makeStep, type StepDefinition, type StepFields } from '../../steps/step-definition.ts';
import { verifyDigest, verifyMetricsStep } from '../../steps/verify-steps.ts';
import { revertSteps } from '../revert-step.ts';
import { templateVerification, verificationFromTemplates } from '../../rollouts/template-verification.ts';

export type Channel = 'argocd' | 'kubernetes';
type Step = <P>(def: StepDefinition<P>, fields: StepFields, params: P) => PlanStep;
const stepMaker = (policy: Policy): Step => (def, fields, params) => makeStep(def, fields, params, policy.expectedSeconds[def.kind]);

export interface RolloutPlanInput {
  readonly facts: Facts;
  readonly policy: Policy;
  readonly rollout: RolloutFacts;
  readonly source: string;
  /** The ReplicaSet traffic must end on. */
  readonly stable: RolloutReplicaSet;
  readonly channel: Channel;
  /** `followup.revert`'s mode, or undefined when a person reverts. */
  readonly revert: 'push' | 'review' | undefined;
}

const at = (facts: Facts): string => {
  const w = facts.workload.value.ref;
  return `rollout ${w.namespace}/${w.name} (${w.cluster})`;
};
const channelWords = (c: Channel): string => (c === 'argocd' ? 'Argo CD resource action' : 'Kubernetes API');

/** Traffic settled on stable, every Pod on its digests, the service's metrics: the same for every plan. */
function verifySteps(input: RolloutPlanInput, step: Step): PlanStep[] {
  const { facts, stable, source } = input;
  const images = imagesOf(stable);
  return [
    step(ro.rolloutsWaitStable, {
      title: `Wait until every request goes to ${stable.name} (revision ${stable.revision}) and nothing else is scaled up`,
      target: at(facts),
      checks: [`${stable.name}: ${input.rollout.replicas}/${input.rollout.replicas} available`, 'every other ReplicaSet at 0 replicas'],
      evidence: [{ claim: `${stable.name} runs ${images.join(', ')}`, source }],
    }, { stableReplicaSet: stable.name }),
    step(verifyDigest, {
      title: `Verify every Pod runs ${stable.name}'s images`,
      target: at(facts),
      checks: images.map((i) => `every Pod runs ${i} (by digest)`),
      evidence: [{ claim: `the images of ReplicaSet ${stable.name}${stable.digests.length ? `; its Pods ran ${stable.digests.length} distinct digest(s)` : ''}`, source }],
    }, { expectedImages: images }),
    verifyMetricsStep({ facts: withTemplateVerification(facts, input.rollout, stable), policy: input.policy, target: at(facts) }),
  ];
}

/** Git must say what runs, or Argo CD keeps the app Degraded on the bad version (the Rollouts FAQ). */
function gitAgrees(input: RolloutPlanInput & { facts: GitOpsFacts; bad: string }, step: Step, restore: PlanStep | undefined): PlanStep[] {
  const { facts, bad } = input;
  const app = facts.application.value;
  const branch = app.source.targetRevision;
  const appTarget = `argocd app ${app.name}`;
  return [
    ...revertSteps(facts, { ...input.policy, revert: input.revert ?? 'none' }, bad, branch),
    step(followupAwaitRevert, {
      title: `Wait for the revert of ${shortHash(bad)} on ${branch}: until then git names the aborted version and the app stays Degraded`, target: `config repo ${branch}`,
      checks: [`a commit on ${branch} reverts ${shortHash(bad)}; until then the run stays open and \`rewind finish ${app.name}\` continues it`], evidence: [],
    }, { badRevision: bad, trackedBranch: branch }),
    step(argocd.argocdAwaitBranchHead, {
      title: `Wait until Argo CD compares ${app.name} with the head of ${branch} (hard refresh)`, target: appTarget, checks: [`status.sync.revision = the head of ${branch}`], evidence: [],
    }, { trackedBranch: branch }),
    ...(restore ? [restore] : []),
    step(argocd.argocdWaitSyncedToBranch, {
      title: `Wait until ${app.name} is Synced to ${branch}, Healthy, the Rollout on ${input.stable.name}`, target: at(facts), checks: [`Synced to the head of ${branch}`, 'Healthy (the abort cleared: the template is stable\'s again)', 'rollout complete'], evidence: [],
    }, { trackedBranch: branch }),
    step(argocd.argocdReleaseHold, { title: `Release the hold on ${app.name}`, target: appTarget, checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
  ];
}

function hold(facts: GitOpsFacts, bad: string, step: Step): PlanStep {
  const app = facts.application.value;
  return step(argocd.argocdWriteHold, {
    title: `Hold ${app.name}: an annotation naming this run, so no other rewind acts on it`, target: `argocd app ${app.name}`,
    checks: ['metadata.annotations["rewind.io/hold"] names this run'], evidence: [{ claim: `spec.syncPolicy.automated = ${JSON.stringify(app.syncPolicy.automated)}`, source: facts.application.source }],
  }, { badRevision: bad, saved: { syncPolicy: app.syncPolicy } });
}

/** No Application to carry the hold (`gitops: none`): it goes on the Rollout, naming what ran when the plan was made. */
function rolloutHold(facts: Facts, running: RolloutReplicaSet, step: Step): { write: PlanStep; release: PlanStep } {
  return {
    write: step(ro.rolloutsWriteHold, {
      title: 'Hold the Rollout: an annotation naming this run, so no other rewind acts on it', target: at(facts),
      checks: ['metadata.annotations["rewind.io/hold"] names this run'], evidence: [],
    }, { badRevision: running.name }),
    release: step(ro.rolloutsReleaseHold, { title: 'Release the hold on the Rollout', target: at(facts), checks: ['no rewind.io/hold annotation'], evidence: [] }, {}),
  };
}

/** A canary in progress is bad: abort (spec untouched, self-heal has nothing to fight), verify, make git agree. */
export function abortSteps(input: RolloutPlanInput & { canary: RolloutReplicaSet; bad: string | undefined }): PlanStep[] {
  const { facts, canary, stable, channel } = input;
  const step = stepMaker(input.policy);
  const abort = step(ro.rolloutsAbort, {
    title: `Abort the canary ${canary.name} through the ${channelWords(channel)}: traffic back to ${stable.name}, as \`kubectl argo rollouts abort\``,
    target: at(facts),
    checks: ['status.abort = true (status subresource; the main resource where it is absent)', `${canary.name} scaled to 0`, 'spec.template unchanged'],
    evidence: [{ claim: `canary ${canary.name} (revision ${canary.revision}) runs ${imagesOf(canary).join(', ')}`, source: input.source }],
  }, { canaryHash: canary.hash, stableReplicaSet: stable.name, channel });
  const bad = input.bad;
  if (!GitOpsFacts.is(facts) || bad === undefined) {
    const h = rolloutHold(facts, canary, step);
    return [h.write, abort, ...verifySteps(input, step), h.release];
  }
  return [hold(facts, bad, step), abort, ...verifySteps(input, step), ...gitAgrees({ ...input, facts, bad }, step, undefined)];
}

/** Already aborted by its own analysis: nothing to mitigate; verify stable and make git agree. */
export function abortedSteps(input: RolloutPlanInput & { facts: GitOpsFacts; bad: string }): PlanStep[] {
  const step = stepMaker(input.policy);
  return [hold(input.facts, input.bad, step), ...verifySteps(input, step), ...gitAgrees(input, step, undefined)];
}

/**
 * Fully promoted: undo to the previous ReplicaSet, self-heal held first (the undo changes the
 * spec), promoted fully unless `rollbackWindow` fast-tracks it, verified, then git reverted and
 * the saved sync policy given back.
 */
export function undoSteps(input: RolloutPlanInput & { facts: GitOpsFacts; bad: string; from: RolloutReplicaSet }): PlanStep[] {
  const { facts, bad } = input;
  const step = stepMaker(input.policy);
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const policyEvidence: Evidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: facts.application.source };
  const steps: PlanStep[] = [hold(facts, bad, step)];
  if (autoOn) {
    steps.push(step(argocd.argocdDisableAutoSync, {
      title: `Disable auto-sync first: the undo changes the spec, and ${saved.automated?.selfHeal ? 'self-heal' : 'auto-sync'} would put ${shortHash(bad)} back`, target: appTarget,
      checks: ['auto-sync is off', 'the saved policy is journaled for the follow-up'], evidence: [policyEvidence],
    }, { saved }));
  }
  steps.push(...undoAndPromote(input, step), ...verifySteps(input, step));
  const restore = autoOn
    ? step(argocd.argocdRestoreSyncPolicy, { title: `Restore the saved sync policy (${argocd.describePolicy(saved)})`, target: appTarget, checks: ['spec.syncPolicy.automated is exactly what the run saved'], evidence: [policyEvidence] }, { saved })
    : step(argocd.argocdSyncToBranch, { title: `Sync to the head of ${app.source.targetRevision} (the saved policy is manual)`, target: appTarget, checks: ['the sync is accepted'], evidence: [policyEvidence] }, { trackedBranch: app.source.targetRevision });
  steps.push(...gitAgrees(input, step, restore));
  return steps;
}

/**
 * Fully promoted, no GitOps controller (`gitops: none`): the same undo and promotion, under a hold
 * on the Rollout. Nothing puts the bad template back, so there is no self-heal to hold and no git
 * to make agree.
 */
export function unmanagedUndoSteps(input: RolloutPlanInput & { from: RolloutReplicaSet }): PlanStep[] {
  const step = stepMaker(input.policy);
  const h = rolloutHold(input.facts, input.from, step);
  return [h.write, ...undoAndPromote(input, step), ...verifySteps(input, step), h.release];
}

function undoAndPromote(input: RolloutPlanInput & { from: RolloutReplicaSet }, step: Step): PlanStep[] {
  const { facts, stable, channel } = input;
  const window = input.rollout.rollbackWindow;
  const where = input.rollout.workloadRef ? `Deployment ${input.rollout.workloadRef.name} (the Rollout's workloadRef)` : `the Rollout`;
  return [
    step(ro.rolloutsUndo, {
      title: `Undo to ${stable.name} (revision ${stable.revision}): /spec/template of ${where} from the ReplicaSet, as \`kubectl argo rollouts undo --to-revision=${stable.revision}\``,
      target: at(facts),
      checks: ['spec.template = the ReplicaSet\'s template, rollouts-pod-template-hash removed'],
      evidence: [{ claim: `${stable.name} runs ${imagesOf(stable).join(', ')}; ${input.from.name} (revision ${input.from.revision}) runs ${imagesOf(input.from).join(', ')}`, source: input.source }],
    }, { replicaSet: stable.name, revision: stable.revision }),
    step(ro.rolloutsPromoteFull, {
      title: window !== undefined
        ? `Promote fully if the controller does not fast-track it (rollbackWindow: ${window} revisions should skip the steps)`
        : `Promote fully through the ${channelWords(channel)}: without rollbackWindow the controller would walk the canary steps again and stop at the first pause`,
      target: at(facts),
      checks: ['status.promoteFull = true, or skipped when already stable'],
      evidence: [],
    }, { replicaSet: stable.name, channel }),
  ];
}

/** The app's own verify.metrics when it has them; else the Rollout's AnalysisTemplates, aimed at `stable`. */
function withTemplateVerification(facts: Facts, r: RolloutFacts, stable: RolloutReplicaSet): Facts {
  const verify = verificationFromTemplates(facts.app.verify, templateVerification(r, stable));
  return verify ? { ...facts, app: { ...facts.app, verify } } : facts;
}

/** Plan warnings for the template metrics rewind cannot measure (only when the templates are what it uses). */
export function templateWarnings(facts: Facts, r: RolloutFacts, stable: RolloutReplicaSet): string[] {
  if ((facts.app.verify?.metrics.length ?? 0) > 0) return [];
  return templateVerification(r, stable).notChecked.map((n) => `not checked: ${n}`);
}
