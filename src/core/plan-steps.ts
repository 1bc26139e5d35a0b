import { deployedRevision, shortHash, SyncPolicy, type HistoryEntry } from './domain.ts';
import type { Facts, Policy } from './facts.ts';
import type { Evidence, PlanStep, StepKind, StepParams } from './plan.ts';

export interface StepsInput {
  readonly facts: Facts;
  readonly policy: Policy;
  readonly target: HistoryEntry;
  /** Expected image strings after the rollback; empty when unknown. */
  readonly expectedImages: readonly string[];
  /** Titles of the pre-flight checks the executor re-checks before acting. */
  readonly preflightChecks: readonly string[];
}

/**
 * The runbook's Step 3 as plan steps. Without a parent: save and disable auto-sync (3a), roll
 * back to the history id (3b). With an ApplicationSet/parent owner, which puts syncPolicy back:
 * pin targetRevision to the good SHA; with auto-sync on, Argo CD then syncs it itself (and
 * would refuse a rollback call), so 3b only runs when auto-sync is off.
 */
export function buildSteps(input: StepsInput): PlanStep[] {
  const { facts, target, policy } = input;
  const app = facts.application.value;
  const appTarget = `argocd app ${app.name}`;
  const appSource = facts.application.source;
  const w = facts.workload.value.ref;
  const workloadTarget = `${w.kind.toLowerCase()} ${w.namespace}/${w.name} (${w.cluster})`;
  const good = shortHash(target.revision);
  const saved = app.syncPolicy;
  const autoOn = SyncPolicy.isAutoSyncOn(saved);
  const seconds = (k: StepKind) => policy.expectedSeconds[k] ?? 0;
  const step = <K extends StepKind>(kind: K, title: string, target: string, params: StepParams[K], checks: readonly string[], evidence: readonly Evidence[]): PlanStep =>
    ({ kind, title, target, expectedSeconds: seconds(kind), evidence, checks, params });

  const steps: PlanStep[] = [
    step('preflight', 'Re-check live state against the plan', appTarget, { checks: input.preflightChecks }, ['live state matches the plan\'s assumptions'], [
      { claim: `current revision ${shortHash(deployedRevision(app))}`, source: appSource },
    ]),
  ];
  const policyEvidence = { claim: `spec.syncPolicy.automated = ${JSON.stringify(saved.automated)}`, source: appSource };
  if (app.owner !== undefined) {
    steps.push(
      step('pin-target-revision', `Pin targetRevision to ${good} (${app.owner.kind} ${app.owner.name} would put syncPolicy back)`, appTarget,
        { revision: target.revision, previousTargetRevision: app.source.targetRevision, saved },
        [`spec.source.targetRevision = ${target.revision}`],
        [{ claim: `owned by ${app.owner.kind} ${app.owner.name}`, source: appSource }, { claim: `targetRevision was ${app.source.targetRevision}`, source: appSource }]),
    );
  } else if (autoOn) {
    steps.push(
      step('disable-auto-sync', 'Disable auto-sync so the rollback sticks (3a)', appTarget, { saved }, ['auto-sync is off', 'the saved policy is journaled for `rewind finish`'], [policyEvidence]),
    );
  }
  if (app.owner === undefined || !autoOn) {
    steps.push(
      step('argocd-rollback', `Roll back to history ${target.id} (${good}) (3b)`, appTarget,
        { id: target.id, revision: target.revision, prune: saved.automated?.prune ?? false },
        [`an operation to ${good} is accepted`],
        [{ claim: `history ${target.id} = ${target.revision}`, source: appSource }]),
    );
  }
  steps.push(
    step('wait-healthy', `Wait until ${good} runs, Healthy, rollout complete`, workloadTarget, { revision: target.revision },
      [`Argo CD: the operation to ${good} succeeded (the app shows OutOfSync against the branch until the revert lands)`, 'Argo CD: Healthy', 'rollout complete: observedGeneration current, updated == replicas == available'],
      [{ claim: 'rollout status gate', source: facts.workload.source }]),
    step('verify-digest', 'Verify every Pod runs the good image (3c)', workloadTarget, { expectedImages: input.expectedImages },
      input.expectedImages.length ? input.expectedImages.map((i) => `every Pod's imageID matches ${i}`) : ['the rollout completed (no expected images known)'],
      input.expectedImages.length ? [{ claim: 'images at the target revision', source: facts.targetImages?.source ?? facts.diagnosis?.source ?? 'diagnosis' }] : []),
    step('record-revert-pending', `Record 3d: revert ${shortHash(deployedRevision(app))} in git; ${app.owner ? 'targetRevision stays pinned' : 'auto-sync stays off'} until it lands`, appTarget,
      { badRevision: deployedRevision(app), trackedBranch: app.source.targetRevision, saved },
      [`the run stays open until the revert of ${shortHash(deployedRevision(app))} is on ${app.source.targetRevision}; then \`rewind finish ${app.name}\``],
      [policyEvidence]),
  );
  return steps;
}
