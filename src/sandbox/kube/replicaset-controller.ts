/**
 * The ReplicaSet controller: keeps `spec.replicas` Pods (named `<rs>-<5 chars>`, owned by
 * the ReplicaSet) and reports how many exist, are ready and are available.
 */
import { controllerReference, isControlledBy } from './owners.ts';
import type { ClusterRegistry } from './registry.ts';
import { PODS, REPLICASETS } from './resources.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus } from './types.ts';

export const isPodReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Ready for at least `minReadySeconds` (sandbox time). */
function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  return now.getTime() - Date.parse(ready.lastTransitionTime ?? '') >= minReadySeconds * 1000;
}

/**
 * Per cluster: the store's resourceVersion after a pass that wrote nothing while no ReplicaSet
 * waited on `minReadySeconds` (the only clock it reads). Upstream's controller is driven by
 * informer events and requeues after minReadySeconds only for Pods ready but not yet available
 * (pkg/controller/replicaset/replica_set.go `syncReplicaSet`, `AddAfter`); likewise a pass is
 * skipped while nothing in the cluster was written since such a pass.
 */
const settledAt = new WeakMap<ClusterRegistry, number>();

export function syncReplicaSets(registry: ClusterRegistry): void {
  const before = registry.store.resourceVersion;
  if (settledAt.get(registry) === before) return;
  syncAll(registry);
  const waiting = (registry.store.scan(REPLICASETS) as ReplicaSet[]).some((rs) => (rs.status?.readyReplicas ?? 0) !== (rs.status?.availableReplicas ?? 0));
  if (registry.store.resourceVersion === before && !waiting) settledAt.set(registry, before);
  else settledAt.delete(registry);
}

function syncAll(registry: ClusterRegistry): void {
  // NOTE: one Pod list per tick, not one per ReplicaSet: a world keeps ten old ReplicaSets per Deployment.
  // Pods are only read here (victims go by name), so the stored objects serve without copies.
  let all = registry.store.scan(PODS) as readonly Pod[];
  for (const rs of registry.store.list(REPLICASETS) as ReplicaSet[]) {
    if (syncReplicaSet(registry, rs, all)) all = registry.store.scan(PODS) as readonly Pod[];
  }
}

/** Returns true when it created or deleted Pods. */
function syncReplicaSet(registry: ClusterRegistry, rs: ReplicaSet, all: readonly Pod[]): boolean {
  const ns = rs.metadata.namespace;
  const owned = (list: readonly Pod[]) => list.filter((p) => p.metadata.namespace === ns && isControlledBy(p, rs) && !p.metadata.deletionTimestamp);
  let pods = owned(all);
  const want = rs.spec.replicas ?? 0;
  const changed = pods.length !== want;
  if (pods.length < want) {
    for (let i = pods.length; i < want; i++) createPod(registry, rs);
  } else if (pods.length > want) {
    // Upstream deletes the least useful first: not ready before ready, then the youngest.
    const victims = [...pods]
      .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
      .slice(0, pods.length - want);
    for (const p of victims) registry.delete(PODS, ns, p.metadata.name);
  }
  if (changed) pods = owned(registry.store.scan(PODS, ns) as readonly Pod[]);
  const now = registry.now();
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)).length,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  registry.update(REPLICASETS, ns, rs.metadata.name, { ...rs, status }, 'status');
  return changed;
}

function createPod(registry: ClusterRegistry, rs: ReplicaSet): void {
  const template = structuredClone(rs.spec.template);
  registry.create(PODS, rs.metadata.namespace, {
    metadata: {
      ...template.metadata,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ownerReferences: [controllerReference(rs)],
    },
    spec: template.spec ?? {},
  });
}
