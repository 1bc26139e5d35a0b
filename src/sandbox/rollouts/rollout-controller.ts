/**
 * The Argo Rollouts controller (canary strategy, no traffic router) on the sandbox clock. One pass
 * per Rollout per tick, in upstream's order (argoproj/argo-rollouts `rollout/canary.go`
 * `rolloutCanary`): ReplicaSets and revision, revision history, AnalysisRuns, scaling to the
 * step's weight, the pause step, then the status (`syncRolloutStatusCanary`).
 *
 * Followed, file by file:
 * - `rollout/sync.go`: `getAllReplicaSetsAndSyncRevision` (one ReplicaSet per template, named
 *   `<rollout>-<hash>`, the `rollouts-pod-template-hash` label, `rollout.argoproj.io/revision`; an
 *   old ReplicaSet reused by an undo gets the next revision), `reconcileRevisionHistoryLimit`,
 *   `isRollbackWithinWindow`, `isFastRollback`, `shouldFullPromote`, `promoteStable`,
 *   `calculateBaseStatus`, and the aborted Progressing condition ("Rollout aborted update to
 *   revision N: <why>").
 * - `rollout/canary.go`: `syncRolloutStatusCanary` (a new template resets the steps; back to the
 *   stable template, or to an active one within `rollbackWindow`, skips them; abort goes back to
 *   step 0), `completedCurrentCanaryStep`, `reconcileCanaryPause`.
 * - `rollout/pause.go`: pause conditions, `controllerPause`, `abort`/`abortedAt` kept from the
 *   first abort, a cleared pause condition means "resumed".
 * - `rollout/analysis.go`: step and background AnalysisRuns (names `<rollout>-<hash>-<rev>[-<step>]`,
 *   `.1` on a name collision, labels), their cancellation, and abort on Error/Failed, pause on
 *   Inconclusive; `rollout/controller.go` for the InvalidSpec message of a missing template.
 * - `utils/replicaset/canary.go` via `canary-replicas.ts`; `rolloututil.go` via `phase.ts`.
 * - `rollout/restart.go`, simplified: one Pod older than `restartAt` deleted per pass, only while
 *   every Pod is available.
 * - `workloadRef`: the template comes from the referenced Deployment, and the Rollout records the
 *   Deployment's generation (`rollout.argoproj.io/workload-generation`, `workloadObservedGeneration`).
 *
 * Not modelled: blue-green (the Rollout is reported InvalidSpec), traffic routers, experiments,
 * `setCanaryScale`, `dynamicStableScale`, `scaleDownDelaySeconds`, the progress deadline, and
 * AnalysisRun history limits. `status.canary.weights` is filled in as if a router followed the
 * Pod share (upstream leaves it empty without a router).
 */
import { createHash } from 'node:crypto';
import { controllerReference, isControlledBy } from '../kube/owners.ts';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../kube/resources.ts';
import type { ClusterRegistry } from '../kube/registry.ts';
import { kubeTime } from '../kube/registry.ts';
import { podTemplateHash, templatesEqual } from '../kube/template-hash.ts';
import type { Condition, Deployment, Pod, PodTemplate, ReplicaSet } from '../kube/types.ts';
import { applyDefaults } from '../kube/defaults.ts';
import { maxSurgeAndUnavailable } from '../kube/rollout-plan.ts';
import { isCompleted, type AnalysisPhase } from '../../core/analysis/analysis.ts';
import { basicCanaryCounts, currentSetWeight, type RSCounts } from './canary-replicas.ts';
import { calculateRolloutPhase } from './phase.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, ROLLOUTS } from './resource-types.ts';
import {
  ROLLOUT_HASH,
  ROLLOUT_REVISION,
  RUN_TYPE_LABEL,
  STEP_INDEX_LABEL,
  WORKLOAD_GENERATION,
  type AnalysisRun,
  type AnalysisTemplate,
  type Argument,
  type CanaryStep,
  type PauseCondition,
  type PauseReason,
  type Rollout,
  type RolloutAnalysis,
  type RolloutAnalysisRunStatus,
  type RolloutStatus,
} from './types.ts';

const revisionOf = (rs: ReplicaSet): number => Number(rs.metadata.annotations?.[ROLLOUT_REVISION] ?? 0) || 0;
const hashOf = (rs: ReplicaSet | undefined): string => rs?.metadata.labels?.[ROLLOUT_HASH] ?? '';
const createdMs = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

function withoutRolloutHash(t: PodTemplate): PodTemplate {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[ROLLOUT_HASH];
  return copy;
}

export function syncRollouts(registry: ClusterRegistry): void {
  for (const ro of registry.store.list(ROLLOUTS) as Rollout[]) syncRollout(registry, ro);
}

/** What one pass decided, before it becomes the status (upstream's pauseContext). */
interface PassState {
  addAbort?: string;
  removeAbort?: boolean;
  addPause: PauseReason[];
  removePause: PauseReason[];
  clearPauses?: boolean;
}

class InvalidSpec extends Error {}

function syncRollout(registry: ClusterRegistry, ro: Rollout): void {
  const ns = ro.metadata.namespace;
  const prev: RolloutStatus = ro.status ?? {};
  const now = registry.now();
  let template: PodTemplate | undefined;
  let workloadGeneration: number | undefined;
  try {
    if (!ro.spec.strategy?.canary) {
      throw new InvalidSpec(ro.spec.strategy?.blueGreen ? 'the rewind sandbox runs the canary strategy only (blueGreen is not implemented)' : "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'");
    }
    ({ template, workloadGeneration } = resolveTemplate(registry, ro));
    validateTemplates(registry, ro);
  } catch (e) {
    if (!(e instanceof InvalidSpec)) throw e;
    const conditions = setCondition(prev.conditions, now, { type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: e.message });
    const status: RolloutStatus = { ...prev, conditions, observedGeneration: String(ro.metadata.generation ?? 1) };
    Object.assign(status, calculateRolloutPhase(ro.spec, status));
    writeStatus(registry, ro, status);
    return;
  }
  if (workloadGeneration !== undefined && ro.metadata.annotations?.[WORKLOAD_GENERATION] !== String(workloadGeneration)) {
    ro = registry.update(ROLLOUTS, ns, ro.metadata.name, { ...ro, metadata: { ...ro.metadata, annotations: { ...ro.metadata.annotations, [WORKLOAD_GENERATION]: String(workloadGeneration) } } }) as Rollout;
  }

  const canary = ro.spec.strategy!.canary;
  const steps: CanaryStep[] = canary.steps ?? [];
  const stepCount = steps.length;
  const stepHash = computeStepHash(steps);
  const replicas = ro.spec.replicas ?? 1;

  // ReplicaSets: find or create the one for the template; an undo re-numbers the old one.
  let all = ownedReplicaSets(registry, ro);
  let newRS = all.find((rs) => templatesEqual(withoutRolloutHash(rs.spec.template), template));
  const maxOld = Math.max(0, ...all.filter((rs) => rs !== newRS).map(revisionOf));
  if (!newRS) newRS = createReplicaSet(registry, ro, template, maxOld + 1);
  else if (revisionOf(newRS) <= maxOld && newRS.metadata.annotations?.[ROLLOUT_REVISION] !== String(maxOld + 1)) {
    newRS = registry.update(REPLICASETS, ns, newRS.metadata.name, { ...newRS, metadata: { ...newRS.metadata, annotations: { ...newRS.metadata.annotations, [ROLLOUT_REVISION]: String(maxOld + 1) } } }) as ReplicaSet;
  }
  const revision = String(revisionOf(newRS));
  if (ro.metadata.annotations?.[ROLLOUT_REVISION] !== revision) {
    ro = registry.update(ROLLOUTS, ns, ro.metadata.name, { ...ro, metadata: { ...ro.metadata, annotations: { ...ro.metadata.annotations, [ROLLOUT_REVISION]: revision } } }) as Rollout;
  }
  all = ownedReplicaSets(registry, ro);
  const newUid = newRS.metadata.uid;
  newRS = all.find((rs) => rs.metadata.uid === newUid)!;
  const newHash = hashOf(newRS);
  let stableRS = prev.stableRS ? all.find((rs) => hashOf(rs) === prev.stableRS) : undefined;
  const pass: PassState = { addPause: [], removePause: [] };
  const status: RolloutStatus = baseStatus(ro, prev, all, newRS);

  const withinWindow = (): boolean => isRollbackWithinWindow(ro, newRS!, stableRS, all);

  // A new template (or new steps): reset the steps, skipping them when going back.
  if (prev.currentPodHash !== newHash || (prev.currentStepHash !== undefined && prev.currentStepHash !== stepHash)) {
    pass.clearPauses = true;
    pass.removeAbort = true;
    status.promoteFull = false;
    status.canary = {};
    status.currentStepIndex = stepCount > 0 ? 0 : undefined;
    if (stepCount > 0 && stableRS && newHash === prev.stableRS) status.currentStepIndex = stepCount;
    else if (stepCount > 0 && withinWindow() && (newRS.spec.replicas ?? 0) > 0) status.currentStepIndex = stepCount;
    status.currentStepHash = stepHash;
    finish(registry, ro, prev, status, pass, now, revision);
    return;
  }
  status.currentStepHash = stepHash;
  status.currentStepIndex = stepCount > 0 ? Math.min(prev.currentStepIndex ?? 0, stepCount) : undefined;
  const aborted = (): boolean => !pass.removeAbort && (pass.addAbort !== undefined || prev.abort === true);
  const otherRSs = all.filter((rs) => rs !== newRS && rs !== stableRS);

  if (restartPods(registry, ro, all, status)) {
    finish(registry, ro, prev, status, pass, now, revision);
    return;
  }
  pruneHistory(registry, ro, otherRSs);

  const fullyPromoted = prev.stableRS === newHash;
  const fastRollback = stableRS !== undefined && (prev.stableRS === newHash || (createdMs(newRS) < createdMs(stableRS) && withinWindow()));
  reconcileAnalysisRuns(registry, ro, { prev, status, pass, newRS, stableRS, steps, fullyPromoted, fastRollback, aborted: aborted() });

  // Scale to the weight of the current step.
  const weight = prev.promoteFull || !prev.stableRS || newHash === prev.stableRS ? 100 : currentSetWeight(steps, status.currentStepIndex ?? 0, aborted());
  const counts = (rs: ReplicaSet | undefined): RSCounts | undefined => rs && { name: rs.metadata.name, replicas: rs.spec.replicas ?? 0, available: rs.status?.availableReplicas ?? 0 };
  const older = otherRSs.map((rs) => counts(rs)!);
  const target = basicCanaryCounts({ specReplicas: replicas, weight, maxSurge: canary.maxSurge, maxUnavailable: canary.maxUnavailable, newRS: counts(newRS), stableRS: counts(stableRS), olderRSs: older });
  let scaled = scale(registry, newRS, target.canary);
  if (stableRS && stableRS !== newRS) scaled = scale(registry, stableRS, target.stable) || scaled;
  scaled = scaleDownOlder(registry, ro, otherRSs, all) || scaled;
  all = ownedReplicaSets(registry, ro);
  newRS = all.find((rs) => rs.metadata.uid === newRS!.metadata.uid)!;
  stableRS = stableRS && all.find((rs) => rs.metadata.uid === stableRS!.metadata.uid);
  Object.assign(status, baseStatus(ro, { ...prev, ...status }, all, newRS));
  status.canary = { ...status.canary, weights: { canary: { podTemplateHash: newHash, weight }, stable: { podTemplateHash: prev.stableRS ?? '', weight: 100 - weight } } };

  // The pause step: the controller pauses once; a cleared condition then means "resumed".
  const step = status.currentStepIndex !== undefined ? steps[status.currentStepIndex] : undefined;
  if (!scaled && !ro.spec.paused && !prev.promoteFull && step?.pause && !prev.pauseConditions?.some((c) => c.reason === 'CanaryPauseStep') && !prev.controllerPause) {
    pass.addPause.push('CanaryPauseStep');
  }

  // syncRolloutStatusCanary
  if (prev.promoteFull || withinWindow()) {
    pass.clearPauses = true;
    pass.removeAbort = true;
    if (stepCount > 0) status.currentStepIndex = stepCount;
  }
  const availableNew = newRS.status?.availableReplicas ?? 0;
  const promoteReason = !stableRS
    ? 'Initial deploy'
    : aborted() || availableNew < replicas
      ? ''
      : prev.promoteFull
        ? 'Full promotion requested'
        : fastRollback
          ? withinWindow() ? 'Rollback within window' : 'Fast rollback'
          : stepCount === 0 || status.currentStepIndex === stepCount
            ? `Completed all ${stepCount} canary steps`
            : '';
  if (promoteReason) {
    pass.clearPauses = true;
    pass.removeAbort = true;
    status.promoteFull = false;
    status.currentStepIndex = stepCount > 0 ? stepCount : undefined;
    status.stableRS = newHash;
  } else if (aborted()) {
    if (stepCount > 0) status.currentStepIndex = status.stableRS === newHash ? stepCount : 0;
  } else if (step && !scaled && completedStep(ro, prev, step, status, newRS, stableRS, otherRSs, weight, now)) {
    status.currentStepIndex = (status.currentStepIndex ?? 0) + 1;
    if (status.canary) delete status.canary.currentStepAnalysisRunStatus;
    pass.removePause.push('CanaryPauseStep');
  }
  finish(registry, ro, prev, status, pass, now, revision);
}

function finish(registry: ClusterRegistry, ro: Rollout, prev: RolloutStatus, status: RolloutStatus, pass: PassState, now: Date, revision: string): void {
  // CalculatePauseStatus: an abort wins; a clear leaves no condition; else add and remove.
  const isAborted = pass.addAbort !== undefined || (!pass.removeAbort && prev.abort === true);
  if (isAborted) {
    status.abort = true;
    status.abortedAt = prev.abortedAt ?? kubeTime(now);
    delete status.pauseConditions;
    status.controllerPause = false;
  } else {
    status.abort = false;
    delete status.abortedAt;
    if (pass.clearPauses) {
      delete status.pauseConditions;
      status.controllerPause = false;
    } else {
      let controllerPause = prev.controllerPause ?? false;
      const kept: PauseCondition[] = (prev.pauseConditions ?? []).filter((c) => !pass.removePause.includes(c.reason));
      for (const reason of pass.addPause) {
        if ((prev.pauseConditions ?? []).some((c) => c.reason === reason)) continue;
        kept.push({ reason, startTime: kubeTime(now) });
        controllerPause = true;
      }
      if (kept.length > 0) {
        status.pauseConditions = kept;
        status.controllerPause = controllerPause;
      } else {
        delete status.pauseConditions;
        // NOTE: upstream leaves controllerPause set after a resume until the next pause or promotion.
        status.controllerPause = pass.removePause.length > 0 || (prev.pauseConditions ?? []).length > 0 ? false : (prev.controllerPause ?? false);
      }
    }
  }
  let conditions = (status.conditions ?? []).filter((c) => c.type !== 'InvalidSpec');
  if (isAborted) {
    const why = pass.addAbort ? `: ${pass.addAbort}` : '';
    conditions = setCondition(conditions, now, { type: 'Progressing', status: 'False', reason: 'RolloutAborted', message: `Rollout aborted update to revision ${revision}${why}` });
  } else if (status.pauseConditions?.length) {
    conditions = setCondition(conditions, now, { type: 'Progressing', status: 'Unknown', reason: 'RolloutPaused', message: 'Rollout is paused' });
  } else if (status.stableRS === status.currentPodHash && (status.availableReplicas ?? 0) >= (ro.spec.replicas ?? 1) && (status.replicas ?? 0) === (status.updatedReplicas ?? 0)) {
    conditions = setCondition(conditions, now, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'Rollout has completed rollout' });
  } else {
    const progressing = conditions.find((c) => c.type === 'Progressing');
    const resumed = progressing?.reason === 'RolloutPaused' || progressing?.reason === 'RolloutAborted';
    conditions = setCondition(conditions, now, { type: 'Progressing', status: 'True', reason: resumed ? (progressing?.reason === 'RolloutAborted' ? 'RolloutRetry' : 'RolloutResumed') : 'ReplicaSetUpdated', message: resumed ? (progressing?.reason === 'RolloutAborted' ? 'Retrying Rollout after abort' : 'Rollout is resumed') : `ReplicaSet "${ro.metadata.name}-${status.currentPodHash ?? ''}" is progressing.` });
  }
  const minAvailable = (status.availableReplicas ?? 0) >= (ro.spec.replicas ?? 1);
  conditions = setCondition(conditions, now, minAvailable
    ? { type: 'Available', status: 'True', reason: 'AvailableReason', message: 'Rollout has minimum availability' }
    : { type: 'Available', status: 'False', reason: 'AvailableReason', message: 'Rollout does not have minimum availability' });
  conditions = setCondition(conditions, now, status.pauseConditions?.length
    ? { type: 'Paused', status: 'True', reason: 'RolloutPaused', message: 'Rollout is paused' }
    : { type: 'Paused', status: 'False', reason: 'RolloutResumed', message: 'Rollout is resumed' });
  status.conditions = conditions;
  // Go's omitempty: false booleans are not written.
  for (const key of ['abort', 'controllerPause', 'promoteFull'] as const) if (!status[key]) delete status[key];
  status.observedGeneration = String(ro.metadata.generation ?? 1);
  Object.assign(status, calculateRolloutPhase(ro.spec, status));
  writeStatus(registry, ro, status);
}

function writeStatus(registry: ClusterRegistry, ro: Rollout, status: RolloutStatus): void {
  // Re-read: the pass may have updated the Rollout's metadata.
  const current = registry.store.get(ROLLOUTS, ro.metadata.namespace, ro.metadata.name) as Rollout | undefined;
  if (!current || JSON.stringify(current.status ?? {}) === JSON.stringify(status)) return;
  registry.update(ROLLOUTS, ro.metadata.namespace, ro.metadata.name, { ...current, status }, 'status');
}

/** `SetRolloutCondition`: the same status and reason keep the condition (and its message). */
function setCondition(conditions: Condition[] | undefined, now: Date, c: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const old = i >= 0 ? list[i] : undefined;
  if (old && old.status === c.status && old.reason === c.reason) return list;
  const at = kubeTime(now);
  const next: Condition = { ...c, lastUpdateTime: at, lastTransitionTime: old && old.status === c.status ? (old.lastTransitionTime ?? at) : at };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

function baseStatus(ro: Rollout, prev: RolloutStatus, all: readonly ReplicaSet[], newRS: ReplicaSet): RolloutStatus {
  const sum = (f: (rs: ReplicaSet) => number | undefined): number => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const newHash = hashOf(newRS);
  const status: RolloutStatus = {
    ...prev,
    currentPodHash: newHash,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: newRS.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: sum((rs) => rs.status?.availableReplicas),
    HPAReplicas: sum((rs) => rs.status?.replicas),
    selector: Object.entries(ro.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    promoteFull: newHash !== prev.stableRS && prev.promoteFull === true,
  };
  if (!status.promoteFull) delete status.promoteFull;
  return status;
}

function resolveTemplate(registry: ClusterRegistry, ro: Rollout): { template: PodTemplate; workloadGeneration?: number } {
  const ref = ro.spec.workloadRef;
  if (!ref) {
    if (!ro.spec.template) throw new InvalidSpec("Rollout has missing field '.spec.template'");
    return { template: ro.spec.template };
  }
  if (ref.kind !== 'Deployment' || (ref.apiVersion ?? 'apps/v1') !== 'apps/v1') throw new InvalidSpec(`workloadRef ${ref.apiVersion ?? ''}/${ref.kind ?? ''} is not supported by the rewind sandbox (apps/v1 Deployment only)`);
  const d = registry.store.get(DEPLOYMENTS, ro.metadata.namespace, ref.name ?? '') as Deployment | undefined;
  if (!d) throw new InvalidSpec(`The Rollout "${ro.metadata.name}" is invalid: spec.workloadRef.name: Invalid value: "${ref.name ?? ''}": deployments.apps "${ref.name ?? ''}" not found`);
  // Defaults as if the template had been set on the Rollout itself, so the hash does not flap.
  const holder = { kind: 'ReplicaSet', metadata: {}, spec: { template: structuredClone(d.spec.template) } };
  applyDefaults(holder);
  return { template: holder.spec.template, workloadGeneration: d.metadata.generation ?? 1 };
}

function refsOf(ro: Rollout): { analysis: RolloutAnalysis; path: string }[] {
  const canary = ro.spec.strategy?.canary;
  const out: { analysis: RolloutAnalysis; path: string }[] = [];
  if (canary?.analysis?.templates?.length) out.push({ analysis: canary.analysis, path: 'spec.strategy.canary.analysis.templates' });
  (canary?.steps ?? []).forEach((s, i) => {
    if (s.analysis?.templates?.length) out.push({ analysis: s.analysis, path: `spec.strategy.canary.steps[${i}].analysis.templates` });
  });
  return out;
}

/** `getReferencedAnalysisTemplatesFromRef`: a missing template makes the spec invalid. */
function validateTemplates(registry: ClusterRegistry, ro: Rollout): void {
  for (const { analysis, path } of refsOf(ro)) {
    for (const ref of analysis.templates ?? []) {
      const found = ref.clusterScope ? registry.store.get(CLUSTER_ANALYSIS_TEMPLATES, undefined, ref.templateName) : registry.store.get(ANALYSIS_TEMPLATES, ro.metadata.namespace, ref.templateName);
      if (!found) {
        const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
        throw new InvalidSpec(`The Rollout "${ro.metadata.name}" is invalid: ${path}: Invalid value: "${ref.templateName}": ${kind} '${ref.templateName}' not found`);
      }
    }
  }
}

function computeStepHash(steps: readonly CanaryStep[]): string {
  return createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 10);
}

function ownedReplicaSets(registry: ClusterRegistry, ro: Rollout): ReplicaSet[] {
  return (registry.store.list(REPLICASETS, ro.metadata.namespace) as ReplicaSet[]).filter((rs) => isControlledBy(rs, ro));
}

function createReplicaSet(registry: ClusterRegistry, ro: Rollout, template: PodTemplate, revision: number): ReplicaSet {
  let collisions = ro.status?.collisionCount ?? 0;
  let hash = podTemplateHash(template, collisions);
  while (registry.store.get(REPLICASETS, ro.metadata.namespace, `${ro.metadata.name}-${hash}`)) hash = podTemplateHash(template, ++collisions);
  const t = structuredClone(template);
  t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, [ROLLOUT_HASH]: hash } };
  const selector = structuredClone(ro.spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [ROLLOUT_HASH]: hash };
  return registry.create(REPLICASETS, ro.metadata.namespace, {
    metadata: {
      name: `${ro.metadata.name}-${hash}`,
      namespace: ro.metadata.namespace,
      labels: { ...t.metadata.labels },
      annotations: { [ROLLOUT_REVISION]: String(revision) },
      ownerReferences: [controllerReference(ro)],
    },
    spec: { replicas: 0, minReadySeconds: ro.spec.minReadySeconds ?? 0, selector, template: t },
  }) as ReplicaSet;
}

function scale(registry: ClusterRegistry, rs: ReplicaSet, replicas: number): boolean {
  if ((rs.spec.replicas ?? 0) === replicas) return false;
  registry.update(REPLICASETS, rs.metadata.namespace, rs.metadata.name, { ...rs, spec: { ...rs.spec, replicas } });
  return true;
}

/** `scaleDownOldReplicaSetsForCanary`: unavailable Pods go first, available ones within maxUnavailable. */
function scaleDownOlder(registry: ClusterRegistry, ro: Rollout, older: readonly ReplicaSet[], all: readonly ReplicaSet[]): boolean {
  const replicas = ro.spec.replicas ?? 1;
  const { unavailable: maxUnavailable } = maxSurgeAndUnavailable({ desired: replicas, maxSurge: ro.spec.strategy?.canary?.maxSurge ?? '25%', maxUnavailable: ro.spec.strategy?.canary?.maxUnavailable ?? '25%' });
  const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
  let budget = Math.max(0, available - (replicas - maxUnavailable));
  let scaled = false;
  for (const rs of [...older].sort((a, b) => revisionOf(a) - revisionOf(b))) {
    const want = rs.spec.replicas ?? 0;
    if (want === 0) continue;
    const avail = rs.status?.availableReplicas ?? 0;
    const unavailable = Math.max(0, want - avail);
    const cut = Math.min(want, unavailable + Math.min(budget, avail));
    budget -= Math.max(0, cut - unavailable);
    if (cut > 0) scaled = scale(registry, rs, want - cut) || scaled;
  }
  return scaled;
}

function pruneHistory(registry: ClusterRegistry, ro: Rollout, older: readonly ReplicaSet[]): void {
  const limit = ro.spec.revisionHistoryLimit ?? 10;
  const sorted = [...older].sort((a, b) => createdMs(a) - createdMs(b) || revisionOf(a) - revisionOf(b));
  const excess = sorted.length - limit;
  for (const rs of sorted.slice(0, Math.max(0, excess))) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0) continue;
    registry.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name);
  }
}

function isRollbackWithinWindow(ro: Rollout, newRS: ReplicaSet, stableRS: ReplicaSet | undefined, all: readonly ReplicaSet[]): boolean {
  if (!stableRS || newRS === stableRS) return false;
  if (!(createdMs(newRS) < createdMs(stableRS))) return false;
  const revisions = ro.spec.rollbackWindow?.revisions ?? 0;
  if (revisions <= 0) return false;
  const between = all.filter((rs) => createdMs(rs) < createdMs(stableRS) && createdMs(newRS) < createdMs(rs)).length;
  return between < revisions;
}

/** `completedCurrentCanaryStep`. */
function completedStep(ro: Rollout, prev: RolloutStatus, step: CanaryStep, status: RolloutStatus, newRS: ReplicaSet, stableRS: ReplicaSet | undefined, older: readonly ReplicaSet[], weight: number, now: Date): boolean {
  if (ro.spec.paused) return false;
  if (step.pause) {
    const cond = prev.pauseConditions?.find((c) => c.reason === 'CanaryPauseStep');
    if (prev.controllerPause && !cond) return true;
    const seconds = durationSeconds(step.pause.duration);
    return seconds !== undefined && cond !== undefined && now.getTime() > Date.parse(cond.startTime) + seconds * 1000;
  }
  if (step.setWeight !== undefined) {
    const target = basicCanaryCounts({
      specReplicas: ro.spec.replicas ?? 1,
      weight,
      maxSurge: ro.spec.strategy?.canary?.maxSurge,
      maxUnavailable: ro.spec.strategy?.canary?.maxUnavailable,
      newRS: { name: newRS.metadata.name, replicas: newRS.spec.replicas ?? 0, available: newRS.status?.availableReplicas ?? 0 },
      stableRS: stableRS && { name: stableRS.metadata.name, replicas: stableRS.spec.replicas ?? 0, available: stableRS.status?.availableReplicas ?? 0 },
      olderRSs: [],
    });
    // AtDesiredReplicaCountsForCanary: the canary available, the stable created, older ones gone.
    const canaryOk = (newRS.spec.replicas ?? 0) === target.canary && (newRS.status?.availableReplicas ?? 0) >= target.canary;
    const stableOk = !stableRS || stableRS === newRS || ((stableRS.spec.replicas ?? 0) === target.stable && (stableRS.status?.replicas ?? 0) >= target.stable);
    return canaryOk && stableOk && older.every((rs) => (rs.status?.availableReplicas ?? 0) === 0);
  }
  if (step.analysis) {
    return status.canary?.currentStepAnalysisRunStatus?.status === 'Successful';
  }
  // Steps the sandbox does not model (experiments, header routes ...) complete at once.
  return true;
}

/** A pause duration: seconds as a number, or a Go duration string ("30s", "1m"). */
export function durationSeconds(d: number | string | undefined): number | undefined {
  if (d === undefined) return undefined;
  if (typeof d === 'number') return d;
  if (/^\d+$/.test(d)) return Number(d);
  const m = [...d.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (m.length === 0 || m.map((x) => x[0]).join('') !== d) return undefined;
  return m.reduce((n, x) => n + Number(x[1]) * (x[2] === 'h' ? 3600 : x[2] === 'm' ? 60 : 1), 0);
}

/** `rollout/restart.go`, simplified. Returns true when it deleted a Pod this pass. */
function restartPods(registry: ClusterRegistry, ro: Rollout, all: readonly ReplicaSet[], status: RolloutStatus): boolean {
  const at = ro.spec.restartAt;
  if (!at || status.restartedAt === at) return false;
  const atMs = Date.parse(at);
  if (registry.now().getTime() < atMs) return false;
  const uids = new Set(all.map((rs) => rs.metadata.uid));
  const pods = (registry.store.list(PODS, ro.metadata.namespace) as Pod[]).filter((p) => (p.metadata.ownerReferences ?? []).some((o) => uids.has(o.uid)) && !p.metadata.deletionTimestamp);
  const old = pods.filter((p) => Date.parse(p.metadata.creationTimestamp ?? '') < atMs);
  if (old.length === 0) {
    status.restartedAt = at;
    return false;
  }
  const everyAvailable = all.every((rs) => (rs.status?.availableReplicas ?? 0) >= (rs.spec.replicas ?? 0));
  if (!everyAvailable) return true;
  registry.delete(PODS, ro.metadata.namespace, old[0]!.metadata.name);
  return true;
}

interface AnalysisInput {
  readonly prev: RolloutStatus;
  readonly status: RolloutStatus;
  readonly pass: PassState;
  readonly newRS: ReplicaSet;
  readonly stableRS: ReplicaSet | undefined;
  readonly steps: readonly CanaryStep[];
  readonly fullyPromoted: boolean;
  readonly fastRollback: boolean;
  readonly aborted: boolean;
}

/** `reconcileAnalysisRuns`: the step's run and the background run, or cancel them. */
function reconcileAnalysisRuns(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput): void {
  const ns = ro.metadata.namespace;
  const owned = (registry.store.list(ANALYSIS_RUNS, ns) as AnalysisRun[]).filter((r) => isControlledBy(r, ro));
  const byName = (s: RolloutAnalysisRunStatus | undefined): AnalysisRun | undefined => (s ? owned.find((r) => r.metadata.name === s.name) : undefined);
  let stepRun = byName(a.prev.canary?.currentStepAnalysisRunStatus);
  let backgroundRun = byName(a.prev.canary?.currentBackgroundAnalysisRunStatus);
  const initialDeploy = !a.prev.stableRS;
  const cancelAll = a.fullyPromoted || a.aborted || a.prev.promoteFull === true || a.fastRollback || initialDeploy;
  if (cancelAll) {
    stepRun = undefined;
    backgroundRun = undefined;
  } else {
    stepRun = reconcileStepRun(registry, ro, a, stepRun, owned);
    backgroundRun = reconcileBackgroundRun(registry, ro, a, backgroundRun, owned);
  }
  const keep = new Set([stepRun?.metadata.name, backgroundRun?.metadata.name]);
  for (const run of owned) if (!keep.has(run.metadata.name)) terminate(registry, run);
  const canary = { ...a.status.canary };
  delete canary.currentStepAnalysisRunStatus;
  delete canary.currentBackgroundAnalysisRunStatus;
  const ref = (r: AnalysisRun): RolloutAnalysisRunStatus => ({ name: r.metadata.name, status: r.status?.phase ?? '', ...(r.status?.message ? { message: r.status.message } : {}) });
  if (stepRun) canary.currentStepAnalysisRunStatus = ref(stepRun);
  if (backgroundRun) canary.currentBackgroundAnalysisRunStatus = ref(backgroundRun);
  a.status.canary = canary;
}

function judge(a: AnalysisInput, run: AnalysisRun, kind: string): void {
  const phase = run.status?.phase;
  if (phase === 'Inconclusive') a.pass.addPause.push('InconclusiveAnalysisRun');
  else if (phase === 'Error' || phase === 'Failed') a.pass.addAbort = `${kind} analysis phase error/failed${run.status?.message ? `: ${run.status.message}` : ''}`;
}

/** `needsNewAnalysisRun`. */
function needsNew(run: AnalysisRun | undefined, prev: RolloutStatus): boolean {
  if (!run) return true;
  const paused = (r: PauseReason): boolean => (prev.pauseConditions ?? []).some((c) => c.reason === r);
  if (prev.controllerPause && !paused('CanaryPauseStep') && !paused('BlueGreenPause')) return run.status?.phase === 'Inconclusive';
  return !!prev.abortedAt;
}

function reconcileStepRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, current: AnalysisRun | undefined, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const index = a.status.currentStepIndex ?? 0;
  const step = a.steps[index];
  if ((a.prev.pauseConditions ?? []).length > 0 || a.prev.abort) return current;
  const fromPreviousStep = step?.analysis && current && current.metadata.labels?.[STEP_INDEX_LABEL] !== String(index);
  if (!step?.analysis?.templates?.length || fromPreviousStep) return undefined;
  if (needsNew(current, a.prev)) {
    return createRun(registry, ro, a, step.analysis, String(index), { [ROLLOUT_HASH]: hashOf(a.newRS), [RUN_TYPE_LABEL]: 'Step', [STEP_INDEX_LABEL]: String(index) }, owned);
  }
  judge(a, current!, 'Step-based');
  return current;
}

function reconcileBackgroundRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, current: AnalysisRun | undefined, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const analysis = ro.spec.strategy?.canary?.analysis;
  if (!analysis?.templates?.length) return undefined;
  const starting = analysis.startingStep;
  if (a.fullyPromoted || !a.prev.stableRS || (starting !== undefined && (a.status.currentStepIndex ?? 0) < starting)) return undefined;
  if ((a.prev.pauseConditions ?? []).some((c) => c.reason === 'InconclusiveAnalysisRun')) return current;
  if (needsNew(current, a.prev)) {
    return createRun(registry, ro, a, analysis, '', { [ROLLOUT_HASH]: hashOf(a.newRS), [RUN_TYPE_LABEL]: 'Background' }, owned);
  }
  judge(a, current!, 'Background');
  return current;
}

/** `BuildArgumentsForRolloutAnalysisRun`: pod template hashes and metadata field refs. */
function rolloutArgs(ro: Rollout, args: readonly Argument[], newRS: ReplicaSet, stableRS: ReplicaSet | undefined): Argument[] {
  return args.map((arg) => {
    let value = arg.value;
    const from = arg.valueFrom;
    if (from?.podTemplateHashValue === 'Latest') value = hashOf(newRS);
    else if (from?.podTemplateHashValue === 'Stable') value = hashOf(stableRS);
    else if (from?.fieldRef) {
      const path = from.fieldRef.fieldPath;
      const m = /^metadata\.(name|namespace|labels\['([^']+)'\]|annotations\['([^']+)'\])$/.exec(path);
      if (m?.[1] === 'name') value = ro.metadata.name;
      else if (m?.[1] === 'namespace') value = ro.metadata.namespace ?? '';
      else if (m?.[2]) value = ro.metadata.labels?.[m[2]] ?? '';
      else if (m?.[3]) value = ro.metadata.annotations?.[m[3]] ?? '';
    }
    return { name: arg.name, ...(value !== undefined ? { value } : {}) };
  });
}

/** `NewAnalysisRunFromTemplates`: the templates' metrics, their args overridden by the Rollout's. */
function createRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, analysis: RolloutAnalysis, infix: string, labels: Record<string, string>, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const ns = ro.metadata.namespace;
  const metrics = [];
  const args: Argument[] = [];
  for (const ref of analysis.templates ?? []) {
    const t = (ref.clusterScope ? registry.store.get(CLUSTER_ANALYSIS_TEMPLATES, undefined, ref.templateName) : registry.store.get(ANALYSIS_TEMPLATES, ns, ref.templateName)) as AnalysisTemplate | undefined;
    if (!t) return undefined;
    metrics.push(...(t.spec.metrics ?? []));
    for (const arg of t.spec.args ?? []) if (!args.some((x) => x.name === arg.name)) args.push(arg);
  }
  for (const given of rolloutArgs(ro, analysis.args ?? [], a.newRS, a.stableRS)) {
    const i = args.findIndex((x) => x.name === given.name);
    if (i >= 0) args[i] = given;
    else args.push(given);
  }
  const revision = ro.metadata.annotations?.[ROLLOUT_REVISION] ?? '';
  const base = [ro.metadata.name, hashOf(a.newRS), revision, ...(infix ? [infix] : [])].join('-');
  // CreateWithCollisionCounter: a retry after an abort gets `<name>.1`, `<name>.2` ...
  let name = base;
  for (let n = 1; owned.some((r) => r.metadata.name === name) || registry.store.get(ANALYSIS_RUNS, ns, name); n++) name = `${base}.${n}`;
  return registry.create(ANALYSIS_RUNS, ns, {
    metadata: {
      name,
      namespace: ns,
      labels: { ...labels, ...ro.spec.selector?.matchLabels },
      annotations: { [ROLLOUT_REVISION]: revision },
      ownerReferences: [controllerReference(ro)],
    },
    spec: { metrics, args },
  }) as AnalysisRun;
}

/** `cancelAnalysisRuns`: `{"spec":{"terminate":true}}` on a run that has not completed. */
function terminate(registry: ClusterRegistry, run: AnalysisRun): void {
  if (run.spec.terminate || isCompleted((run.status?.phase ?? 'Pending') as AnalysisPhase)) return;
  registry.update(ANALYSIS_RUNS, run.metadata.namespace, run.metadata.name, { ...run, spec: { ...run.spec, terminate: true } });
}
