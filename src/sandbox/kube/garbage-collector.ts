/** Background cascading deletion: an object whose controlling owner is gone goes too. */
import type { ClusterRegistry } from './registry.ts';
import { RESOURCE_TYPES, resourceTypeByKind } from './resources.ts';

/**
 * Per cluster: the store's resourceVersion after a pass that deleted nothing. Whether an owner is
 * gone depends on the stored objects alone, so until something is written again a pass would find
 * nothing; upstream's collector likewise works from its informers' events
 * (kubernetes pkg/controller/garbagecollector/graph_builder.go), not by rescanning every object.
 */
const settledAt = new WeakMap<ClusterRegistry, number>();

export function collectGarbage(registry: ClusterRegistry): void {
  const before = registry.store.resourceVersion;
  if (settledAt.get(registry) === before) return;
  for (const type of RESOURCE_TYPES.filter((t) => !t.createOnly)) {
    // NOTE: read-only pass over the stored objects (no copies).
    for (const object of registry.store.scan(type, undefined, (o) => (o.metadata.ownerReferences?.length ?? 0) > 0)) {
      const owners = object.metadata.ownerReferences ?? [];
      const alive = owners.some((o) => {
        const ownerType = resourceTypeByKind(o.kind);
        // Owners of kinds the sandbox does not serve are out of its hands: keep the object.
        if (!ownerType) return true;
        return registry.store.peek(ownerType, object.metadata.namespace, o.name)?.metadata.uid === o.uid;
      });
      if (!alive) registry.delete(type, object.metadata.namespace, object.metadata.name);
    }
  }
  // A deletion can orphan objects of a type already passed: only a pass that deleted nothing settles.
  if (registry.store.resourceVersion === before) settledAt.set(registry, before);
  else settledAt.delete(registry);
}
