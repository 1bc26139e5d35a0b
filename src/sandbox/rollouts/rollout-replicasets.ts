/**
 * The Rollout's ReplicaSets: followed from argoproj/argo-rollouts `rollout/sync.go`
 * (`getAllReplicaSetsAndSyncRevision`: one ReplicaSet per template, `<rollout>-<hash>`, the
 * `rollouts-pod-template-hash` label and `rollout.argoproj.io/revision`;
 * `reconcileRevisionHistoryLimit`; `isRollbackWithinWindow`), `rollout/canary.go`
 * (`scaleDownOldReplicaSetsForCanary`), and `rollout/restart.go`, simplified (one Pod older than
 * `restartAt` deleted per pass, only while every Pod is available).
 */
import { controllerReference, isControlledBy } from '../kube/owners.ts';
import type { ClusterRegistry } from '../kube/registry.ts';
import { PODS, REPLICASETS } from '../kube/resources.ts';
import { maxSurgeAndUnavailable } from '../kube/rollout-plan.ts';
import { podTemplateHash } from '../kube/template-hash.ts';
import type { Pod, PodTemplate, ReplicaSet } from '../kube/types.ts';
import { ROLLOUT_HASH, ROLLOUT_REVISION, type Rollout, type RolloutStatus } from './types.ts';

export const revisionOf = (rs: ReplicaSet): number => Number(rs.metadata.annotations?.[ROLLOUT_REVISION] ?? 0) || 0;
export const hashOf = (rs: ReplicaSet | undefined): string => rs?.metadata.labels?.[ROLLOUT_HASH] ?? '';
export const createdMs = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

export function withoutRolloutHash(t: PodTemplate): PodTemplate {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[ROLLOUT_HASH];
  return copy;
}

export function ownedReplicaSets(registry: ClusterRegistry, ro: Rollout): ReplicaSet[] {
  return registry.store.list(REPLICASETS, ro.metadata.namespace, (rs) => isControlledBy(rs, ro)) as ReplicaSet[];
}

export function createReplicaSet(registry: ClusterRegistry, ro: Rollout, template: PodTemplate, revision: number): ReplicaSet {
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

export function scale(registry: ClusterRegistry, rs: ReplicaSet, replicas: number): boolean {
  if ((rs.spec.replicas ?? 0) === replicas) return false;
  registry.update(REPLICASETS, rs.metadata.namespace, rs.metadata.name, { ...rs, spec: { ...rs.spec, replicas } });
  return true;
}

/** `scaleDownOldReplicaSetsForCanary`: unavailable Pods go first, available ones within maxUnavailable. */
export function scaleDownOlder(registry: ClusterRegistry, ro: Rollout, older: readonly ReplicaSet[], all: readonly ReplicaSet[]): boolean {
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

export function pruneHistory(registry: ClusterRegistry, ro: Rollout, older: readonly ReplicaSet[]): void {
  const limit = ro.spec.revisionHistoryLimit ?? 10;
  const sorted = [...older].sort((a, b) => createdMs(a) - createdMs(b) || revisionOf(a) - revisionOf(b));
  const excess = sorted.length - limit;
  for (const rs of sorted.slice(0, Math.max(0, excess))) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0) continue;
    registry.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name);
  }
}

export function isRollbackWithinWindow(ro: Rollout, newRS: ReplicaSet, stableRS: ReplicaSet | undefined, all: readonly ReplicaSet[]): boolean {
  if (!stableRS || newRS === stableRS) return false;
  if (!(createdMs(newRS) < createdMs(stableRS))) return false;
  const revisions = ro.spec.rollbackWindow?.revisions ?? 0;
  if (revisions <= 0) return false;
  const between = all.filter((rs) => createdMs(rs) < createdMs(stableRS) && createdMs(newRS) < createdMs(rs)).length;
  return between < revisions;
}

/** `rollout/restart.go`, simplified. Returns true when it deleted a Pod this pass. */
export function restartPods(registry: ClusterRegistry, ro: Rollout, all: readonly ReplicaSet[], status: RolloutStatus): boolean {
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

