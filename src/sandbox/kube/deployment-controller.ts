/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deploy>-<hash>`,
 * revision annotations as upstream, an old one reused and re-numbered on rollback),
 * rolling or recreate scaling from `rollout-plan.ts`, history pruning, and the status
 * and conditions `kubectl rollout status` reads.
 */
import type { ClusterRegistry } from './registry.ts';
import { kubeTime } from './registry.ts';
import { isControlledBy, controllerReference } from './owners.ts';
import { DEPLOYMENTS, REPLICASETS } from './resources.ts';
import { maxSurgeAndUnavailable, planRollout, rolloutComplete, type ReplicaSetFacts } from './rollout-plan.ts';
import { POD_TEMPLATE_HASH, podTemplateHash, templatesEqual } from './template-hash.ts';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from './types.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** Deployment annotations upstream does not copy to its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export const revisionOf = (rs: ReplicaSet): number => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;

/**
 * Per cluster: the store's resourceVersion after a pass that wrote nothing and left every
 * Deployment where time alone cannot move it. Upstream's controller works from informer events,
 * requeueing a Deployment after a delay only while its progress deadline can still pass
 * (pkg/controller/deployment/progress.go `requeueStuckDeployment`); likewise a pass is skipped
 * while nothing in the cluster was written since such a pass.
 */
const settledAt = new WeakMap<ClusterRegistry, number>();

export function syncDeployments(registry: ClusterRegistry): void {
  const before = registry.store.resourceVersion;
  if (settledAt.get(registry) === before) return;
  for (const d of registry.store.list(DEPLOYMENTS) as Deployment[]) syncDeployment(registry, d);
  if (registry.store.resourceVersion === before && (registry.store.scan(DEPLOYMENTS) as Deployment[]).every(timeless)) settledAt.set(registry, before);
  else settledAt.delete(registry);
}

/**
 * A Deployment whose next sync no clock can change: paused, complete (`NewReplicaSetAvailable`
 * with no old replica left), or already past its deadline (`ProgressDeadlineExceeded` stays until
 * counts move); in between, the deadline may still pass.
 */
function timeless(d: Deployment): boolean {
  if (d.spec.paused) return true;
  const reason = d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason;
  return reason === 'ProgressDeadlineExceeded' || (reason === 'NewReplicaSetAvailable' && (d.status?.replicas ?? 0) === (d.status?.updatedReplicas ?? 0));
}

function syncDeployment(registry: ClusterRegistry, d: Deployment): void {
  const ns = d.metadata.namespace;
  const owned = () => registry.store.list(REPLICASETS, ns, (rs) => isControlledBy(rs, d)) as ReplicaSet[];
  let all = owned();
  // NOTE: most passes write nothing: list again only when the store moved since (every write bumps its resourceVersion).
  let listedAt = registry.store.resourceVersion;
  const relist = (): ReplicaSet[] => (registry.store.resourceVersion === listedAt ? all : ((listedAt = registry.store.resourceVersion), owned()));
  let newRS = all.find((rs) => templatesEqual(rs.spec.template, d.spec.template));
  const maxOldRevision = Math.max(0, ...all.filter((rs) => rs !== newRS).map(revisionOf));
  let created = false;

  if (!d.spec.paused) {
    if (!newRS) {
      newRS = createReplicaSet(registry, d, maxOldRevision + 1);
      created = true;
    } else newRS = syncNewReplicaSetAnnotations(registry, d, newRS, maxOldRevision);
    const revision = String(revisionOf(newRS));
    if (d.metadata.annotations?.[REVISION] !== revision) {
      d = registry.update(DEPLOYMENTS, ns, d.metadata.name, { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: revision } } }) as Deployment;
    }
    all = relist();
    newRS = all.find((rs) => rs.metadata.uid === newRS!.metadata.uid)!;
    const oldRSs = all.filter((rs) => rs !== newRS);
    const plan = planRollout({
      desired: d.spec.replicas ?? 1,
      strategy: d.spec.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate',
      maxSurge: d.spec.strategy?.rollingUpdate?.maxSurge,
      maxUnavailable: d.spec.strategy?.rollingUpdate?.maxUnavailable,
      newRS: factsOf(newRS),
      oldRSs: oldRSs.map(factsOf),
    });
    for (const [name, replicas] of plan) scaleReplicaSet(registry, d, all.find((rs) => rs.metadata.name === name)!, replicas);
    all = relist();
    newRS = all.find((rs) => rs.metadata.uid === newRS!.metadata.uid);
  }

  const status = computeStatus(registry, d, all, newRS, created);
  // kubernetes pkg/controller/deployment: rolling.go/recreate.go clean up once the rollout is
  // complete; sync.go (`sync`) also cleans up a paused Deployment ("when it's paused and no
  // rollback is in flight"), so lowering revisionHistoryLimit prunes even while paused.
  if (d.spec.paused || rolloutComplete(statusCounts(d, status))) pruneHistory(registry, d, all.filter((rs) => rs !== newRS));
  registry.update(DEPLOYMENTS, ns, d.metadata.name, { ...d, status }, 'status');
}

function factsOf(rs: ReplicaSet): ReplicaSetFacts {
  return {
    name: rs.metadata.name,
    revision: revisionOf(rs),
    specReplicas: rs.spec.replicas ?? 0,
    replicas: rs.status?.replicas ?? 0,
    availableReplicas: rs.status?.availableReplicas ?? 0,
  };
}

function copiedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)));
}

function replicaAnnotations(d: Deployment): Record<string, string> {
  const desired = d.spec.replicas ?? 1;
  const { surge } = maxSurgeAndUnavailable({ desired, maxSurge: d.spec.strategy?.rollingUpdate?.maxSurge, maxUnavailable: d.spec.strategy?.rollingUpdate?.maxUnavailable });
  return { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(desired + (d.spec.strategy?.type === 'Recreate' ? 0 : surge)) };
}

function createReplicaSet(registry: ClusterRegistry, d: Deployment, revision: number): ReplicaSet {
  const hash = podTemplateHash(d.spec.template, d.status?.collisionCount ?? 0);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
  return registry.create(REPLICASETS, d.metadata.namespace, {
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...d.spec.template.metadata?.labels, [POD_TEMPLATE_HASH]: hash },
      annotations: { ...copiedAnnotations(d), ...replicaAnnotations(d), [REVISION]: String(revision) },
      ownerReferences: [controllerReference(d)],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  }) as ReplicaSet;
}

/** The new ReplicaSet carries the Deployment's annotations, and the highest revision (a rollback re-numbers it). */
function syncNewReplicaSetAnnotations(registry: ClusterRegistry, d: Deployment, rs: ReplicaSet, maxOldRevision: number): ReplicaSet {
  const annotations: Record<string, string> = { ...rs.metadata.annotations, ...copiedAnnotations(d), ...replicaAnnotations(d) };
  const current = revisionOf(rs);
  if (current <= maxOldRevision) {
    annotations[REVISION] = String(maxOldRevision + 1);
    const history = rs.metadata.annotations?.[REVISION_HISTORY];
    annotations[REVISION_HISTORY] = history ? `${history},${current}` : String(current);
  }
  return registry.update(REPLICASETS, rs.metadata.namespace, rs.metadata.name, { ...rs, metadata: { ...rs.metadata, annotations } }) as ReplicaSet;
}

function scaleReplicaSet(registry: ClusterRegistry, d: Deployment, rs: ReplicaSet, replicas: number): void {
  const annotations = { ...rs.metadata.annotations, ...replicaAnnotations(d) };
  registry.update(REPLICASETS, rs.metadata.namespace, rs.metadata.name, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } });
}

/** Keeps the newest `revisionHistoryLimit` old ReplicaSets that have scaled to zero. */
function pruneHistory(registry: ClusterRegistry, d: Deployment, oldRSs: ReplicaSet[]): void {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const idle = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) registry.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name);
}

function statusCounts(d: Deployment, s: DeploymentStatus): { desired: number; replicas: number; updated: number; available: number } {
  return { desired: d.spec.replicas ?? 1, replicas: s.replicas ?? 0, updated: s.updatedReplicas ?? 0, available: s.availableReplicas ?? 0 };
}

function computeStatus(registry: ClusterRegistry, d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, created: boolean): DeploymentStatus {
  const sum = (f: (rs: ReplicaSet) => number | undefined): number => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const desired = d.spec.replicas ?? 1;
  const prev = d.status ?? {};
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: sum((rs) => rs.status?.availableReplicas),
    ...(prev.collisionCount ? { collisionCount: prev.collisionCount } : {}),
  };
  const unavailable = Math.max(0, desired - (status.availableReplicas ?? 0));
  if (unavailable > 0) status.unavailableReplicas = unavailable;

  const now = kubeTime(registry.now());
  const { unavailable: maxUnavailable } = maxSurgeAndUnavailable({ desired, maxSurge: d.spec.strategy?.rollingUpdate?.maxSurge, maxUnavailable: d.spec.strategy?.rollingUpdate?.maxUnavailable });
  const availableOk = (status.availableReplicas ?? 0) >= desired - (d.spec.strategy?.type === 'Recreate' ? 0 : maxUnavailable);
  const available = condition(prev, now, 'Available', availableOk ? 'True' : 'False',
    availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
    availableOk ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', false);

  status.conditions = [available, progressingCondition(registry, d, prev, status, newRS, created, now)];
  return status;
}

/**
 * The `Progressing` condition as kubernetes `pkg/controller/deployment/progress.go`
 * (`syncRolloutStatus`) and `util/deployment_util.go` (`DeploymentComplete`,
 * `DeploymentProgressing`, `DeploymentTimedOut`) write it. Progress means a count moved the
 * right way (more updated, fewer old, more ready, more available): only then does
 * `lastUpdateTime` move. A timed-out condition stays until the rollout progresses or completes,
 * so a bad rollout's `ProgressDeadlineExceeded` is still there when a rollback starts, until the
 * rolled-back template makes progress.
 */
function progressingCondition(registry: ClusterRegistry, d: Deployment, prev: DeploymentStatus, status: DeploymentStatus, newRS: ReplicaSet | undefined, created: boolean, now: string): Condition {
  const rsName = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  let current = prev.conditions?.find((c) => c.type === 'Progressing');
  if (d.spec.paused) return condition(prev, now, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', false);
  if (current?.reason === 'DeploymentPaused') {
    current = condition(prev, now, 'Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', false);
  }
  // sync.go `getNewReplicaSet`: a created ReplicaSet, or a found one when no condition exists yet.
  if (created) current = condition(prev, now, 'Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS?.metadata.name ?? ''}"`, true);
  else if (!current && newRS) current = condition(prev, now, 'Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS.metadata.name}"`, true);
  const replicas = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (current && replicas === updated && current.reason === 'NewReplicaSetAvailable') return current;
  if (rolloutComplete(statusCounts(d, status))) {
    return setCondition(current, now, 'True', 'NewReplicaSetAvailable', `${rsName} has successfully progressed.`);
  }
  const progressed =
    updated > (prev.updatedReplicas ?? 0) ||
    replicas - updated < (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0) ||
    (status.readyReplicas ?? 0) > (prev.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (prev.availableReplicas ?? 0);
  if (progressed) {
    return {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: now,
      lastTransitionTime: current?.status === 'True' && current.lastTransitionTime ? current.lastTransitionTime : now,
      reason: 'ReplicaSetUpdated',
      message: `${rsName} is progressing.`,
    };
  }
  if (!current) return condition(prev, now, 'Progressing', 'True', 'ReplicaSetUpdated', `${rsName} is progressing.`, true);
  const timedOut =
    current.reason === 'ProgressDeadlineExceeded' ||
    (current.reason !== 'NewReplicaSetAvailable' &&
      Date.parse(current.lastUpdateTime ?? now) + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < registry.now().getTime());
  if (timedOut) return setCondition(current, now, 'False', 'ProgressDeadlineExceeded', `${rsName} has timed out progressing.`);
  return current;
}

/** `SetDeploymentCondition`: the same status and reason leave the condition as it is. */
function setCondition(current: Condition | undefined, now: string, status: Condition['status'], reason: string, message: string): Condition {
  if (current && current.status === status && current.reason === reason) return current;
  return {
    type: 'Progressing',
    status,
    lastUpdateTime: now,
    lastTransitionTime: current && current.status === status && current.lastTransitionTime ? current.lastTransitionTime : now,
    reason,
    message,
  };
}

/** A condition with upstream's timestamps: transition time moves on a status change, update time on any change (or `touch`). */
function condition(prev: DeploymentStatus, now: string, type: string, status: Condition['status'], reason: string, message: string, touch: boolean): Condition {
  const old = prev.conditions?.find((c) => c.type === type);
  const changed = !old || old.status !== status || old.reason !== reason || old.message !== message;
  return {
    type,
    status,
    lastUpdateTime: changed || touch || !old?.lastUpdateTime ? now : old.lastUpdateTime,
    lastTransitionTime: !old || old.status !== status || !old.lastTransitionTime ? now : old.lastTransitionTime,
    reason,
    message,
  };
}
