/** Background cascading deletion: an object whose controlling owner is gone goes too. */
import type { ClusterRegistry } from './registry.ts';
import { RESOURCE_TYPES, resourceTypeByKind } from './resources.ts';

export function collectGarbage(registry: ClusterRegistry): void {
  for (const type of RESOURCE_TYPES.filter((t) => !t.createOnly)) {
    for (const object of registry.store.list(type)) {
      const owners = object.metadata.ownerReferences ?? [];
      if (owners.length === 0) continue;
      const alive = owners.some((o) => {
        const ownerType = resourceTypeByKind(o.kind);
        // Owners of kinds the sandbox does not serve are out of its hands: keep the object.
        if (!ownerType) return true;
        return registry.store.get(ownerType, object.metadata.namespace, o.name)?.metadata.uid === o.uid;
      });
      if (!alive) registry.delete(type, object.metadata.namespace, object.metadata.name);
    }
  }
}
