/** Owner references: who controls an object, and how to say "this Deployment controls you". */
import type { OwnerReference, StoredObject } from './types.ts';

export function controllerOf(object: StoredObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((o) => o.controller === true);
}

export function isControlledBy(object: StoredObject, owner: StoredObject): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

export function controllerReference(owner: StoredObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
