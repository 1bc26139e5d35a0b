/** Background cascading deletion: an object whose controlling owner is gone goes too. */
import type { ClusterRegistry } from './registry.ts';
import { RESOURCE_TYPES, resourceTypeByKind } from './resources.ts';

export function collectGarbage(registry: ClusterRegistry): void {
  for (const type of RESOURCE_TYPES.filter((t) => !t.createOnly)) {
    // NOTE: read-only pass over the stored objects (no copies): it runs every tick over every object.
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
}
