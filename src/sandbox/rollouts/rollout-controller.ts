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
 * - `rollout/analysis.go`: in `rollout-analysis.ts`; the ReplicaSets' side of `sync.go`, `canary.go`
 *   and `restart.go`: in `rollout-replicasets.ts`.
 * - `utils/replicaset/canary.go` via `canary-replicas.ts`; `rolloututil.go` via `phase.ts`.
 * - `workloadRef` (`rollout/templateref.go`): the template comes from the referenced Deployment (a
 *   Rollout that also carries a template is InvalidSpec), the Rollout records the Deployment's
 *   generation (`rollout.argoproj.io/workload-generation`), and `scaleDown` scales the Deployment
 *   (`scaleDownWorkload`). The selector is not resolved from the Deployment: the Rollout names it.
 *
 * Not modelled: blue-green (the Rollout is reported InvalidSpec), traffic routers, experiments,
 * `setCanaryScale`, `dynamicStableScale`, `scaleDownDelaySeconds`, the progress deadline, and
 * AnalysisRun history limits. `status.canary.weights` is filled in as if a router followed the
 * Pod share (upstream leaves it empty without a router).
 */
import { createHash } from 'node:crypto';
import { parseDuration as parsePromDuration } from '../../core/duration.ts';
import { applyDefaults } from '../kube/defaults.ts';
import type { ClusterRegistry } from '../kube/registry.ts';
import { kubeTime } from '../kube/registry.ts';
import { DEPLOYMENTS, REPLICASETS } from '../kube/resources.ts';
import { templatesEqual } from '../kube/template-hash.ts';
import type { Condition, Deployment, PodTemplate, ReplicaSet } from '../kube/types.ts';
import { basicCanaryCounts, currentSetWeight, type RSCounts } from './canary-replicas.ts';
import { InvalidSpec, type PassState } from './pass-state.ts';
import { calculateRolloutPhase } from './phase.ts';
import { ROLLOUTS } from './resource-types.ts';
import { reconcileAnalysisRuns, validateTemplates } from './rollout-analysis.ts';
import { createdMs, createReplicaSet, hashOf, isRollbackWithinWindow, ownedReplicaSets, pruneHistory, restartPods, revisionOf, scale, scaleDownOlder, withoutRolloutHash } from './rollout-replicasets.ts';
import { ROLLOUT_REVISION, WORKLOAD_GENERATION, type CanaryStep, type PauseCondition, type Rollout, type RolloutStatus } from './types.ts';

const lastPass = new WeakMap<ClusterRegistry, { resourceVersion: number; atMs: number }>();
/** Per cluster: the store's resourceVersion after a pass that wrote nothing and left every Rollout `timeless`. */
const settledAt = new WeakMap<ClusterRegistry, number>();

/**
 * One pass over the cluster's Rollouts. A pass whose inputs cannot have changed (the same
 * resourceVersion, less than a sandbox second later) is skipped: everything a Rollout waits for
 * is a write (Pods, ReplicaSets, AnalysisRun results, user patches) or a time past a whole second
 * (pause durations, `restartAt`), and the controller tick runs five times a sandbox second.
 * When no Rollout waits on a time, passes stop until the next write, as upstream's controller
 * works from informer events and requeues a Rollout after a delay only for a timed pause or a
 * restart (argo-rollouts `rollout/controller.go`, `rollout/pause.go` `checkEnqueueRolloutDuringWait`).
 */
export function syncRollouts(registry: ClusterRegistry): void {
  const before = registry.store.resourceVersion;
  if (settledAt.get(registry) === before) return;
  const nowMs = registry.now().getTime();
  const last = lastPass.get(registry);
  if (last && last.resourceVersion === before && nowMs - last.atMs < 1000) return;
  for (const ro of registry.store.list(ROLLOUTS) as Rollout[]) syncRollout(registry, ro);
  lastPass.set(registry, { resourceVersion: registry.store.resourceVersion, atMs: nowMs });
  if (registry.store.resourceVersion === before && (registry.store.scan(ROLLOUTS) as Rollout[]).every(timeless)) settledAt.set(registry, before);
  else settledAt.delete(registry);
}

/**
 * A Rollout whose next pass no clock can change: no `restartAt` still to carry out and its
 * current step not a pause with a duration (`completedStep`); everything else it waits for is a write.
 */
function timeless(ro: Readonly<Rollout>): boolean {
  if (ro.spec.restartAt && ro.status?.restartedAt !== ro.spec.restartAt) return false;
  const step = ro.spec.strategy?.canary?.steps?.[ro.status?.currentStepIndex ?? 0];
  return !(step?.pause && pauseMs(step.pause.duration) !== undefined);
}

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
  // sync.go persistRolloutStatus: the Deployment generation this pass resolved (Argo CD's health waits for it).
  const workloadGeneration = ro.spec.workloadRef ? ro.metadata.annotations?.[WORKLOAD_GENERATION] : undefined;
  if (workloadGeneration !== undefined) status.workloadObservedGeneration = workloadGeneration;
  else delete status.workloadObservedGeneration;
  Object.assign(status, calculateRolloutPhase(ro.spec, status));
  writeStatus(registry, ro, status);
  scaleDownWorkload(registry, ro, prev, revision);
}

/**
 * `workloadRef.scaleDown` (rollout/sync.go `syncRolloutStatusCanary` and rollout/replicaset.go
 * `reconcileNewReplicaSet`, via rollout/scale_utils.go `scaleDeployment`): only while the Rollout
 * is at revision 1, i.e. the migration from the Deployment. `onsuccess` scales it to 0 once the
 * Rollout was Healthy; `progressively` by the Rollout's ready Pods, to 0 once Healthy; `never`
 * (the default) leaves the Deployment's own Pods running next to the Rollout's.
 */
function scaleDownWorkload(registry: ClusterRegistry, ro: Rollout, prev: RolloutStatus, revision: string): void {
  const ref = ro.spec.workloadRef;
  const mode = ref?.scaleDown ?? 'never';
  if (!ref?.name || revision !== '1' || mode === 'never') return;
  let target: number;
  if (prev.phase === 'Healthy') target = 0;
  else if (mode === 'progressively') target = Math.max(0, (ro.spec.replicas ?? 1) - (prev.readyReplicas ?? 0));
  else return;
  const d = registry.store.get(DEPLOYMENTS, ro.metadata.namespace, ref.name) as Deployment | undefined;
  if (!d || (d.spec.replicas ?? 1) === target) return;
  registry.update(DEPLOYMENTS, ro.metadata.namespace, ref.name, { ...d, spec: { ...d.spec, replicas: target } });
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
  // rollout/templateref.go Resolve: a Rollout that names a workload must not carry its own template.
  if (ro.spec.template && Object.keys(ro.spec.template).length > 0) throw new InvalidSpec('template must be empty for workload reference rollout');
  if (ref.kind !== 'Deployment' || (ref.apiVersion ?? 'apps/v1') !== 'apps/v1') throw new InvalidSpec(`workloadRef ${ref.apiVersion ?? ''}/${ref.kind ?? ''} is not supported by the rewind sandbox (apps/v1 Deployment only)`);
  const d = registry.store.get(DEPLOYMENTS, ro.metadata.namespace, ref.name ?? '') as Deployment | undefined;
  if (!d) throw new InvalidSpec(`The Rollout "${ro.metadata.name}" is invalid: spec.workloadRef.name: Invalid value: "${ref.name ?? ''}": deployments.apps "${ref.name ?? ''}" not found`);
  // Defaults as if the template had been set on the Rollout itself, so the hash does not flap.
  const holder = { kind: 'ReplicaSet', metadata: {}, spec: { template: structuredClone(d.spec.template) } };
  applyDefaults(holder);
  return { template: holder.spec.template, workloadGeneration: d.metadata.generation ?? 1 };
}

function computeStepHash(steps: readonly CanaryStep[]): string {
  return createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 10);
}

/** `completedCurrentCanaryStep`. */
function completedStep(ro: Rollout, prev: RolloutStatus, step: CanaryStep, status: RolloutStatus, newRS: ReplicaSet, stableRS: ReplicaSet | undefined, older: readonly ReplicaSet[], weight: number, now: Date): boolean {
  if (ro.spec.paused) return false;
  if (step.pause) {
    const cond = prev.pauseConditions?.find((c) => c.reason === 'CanaryPauseStep');
    if (prev.controllerPause && !cond) return true;
    const ms = pauseMs(step.pause.duration);
    return ms !== undefined && cond !== undefined && now.getTime() > Date.parse(cond.startTime) + ms;
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

/** A pause duration in ms: seconds as a number (or a string of digits), or a duration string ("30s", "1m"). */
function pauseMs(d: number | string | undefined): number | undefined {
  if (d === undefined) return undefined;
  if (typeof d === 'number' || /^\d+$/.test(d)) return Number(d) * 1000;
  return parsePromDuration(d);
}

