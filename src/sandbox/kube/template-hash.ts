/**
 * Pod-template identity, as the Deployment controller sees it: two templates are the same
 * revision when they are semantically equal ignoring the `pod-template-hash` label, key
 * order, and null or empty fields; the hash names the ReplicaSet (`catalog-7d4b9c8f5`).
 */
import type { PodTemplate } from './types.ts';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Drops nulls and empty maps/lists and sorts keys, so equal templates print equal. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalize).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonicalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

export function withoutHashLabel(template: PodTemplate): PodTemplate {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  if (copy.metadata) delete copy.metadata.creationTimestamp;
  return copy;
}

export function templatesEqual(a: PodTemplate, b: PodTemplate): boolean {
  return JSON.stringify(canonicalize(withoutHashLabel(a))) === JSON.stringify(canonicalize(withoutHashLabel(b)));
}

// The alphabet of k8s.io/apimachinery's rand.SafeEncodeString: no vowels, no 0/1/3.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-32a of the canonical template plus the collision count, encoded the way Kubernetes encodes it. */
export function podTemplateHash(template: PodTemplate, collisionCount = 0): string {
  const text = JSON.stringify(canonicalize(withoutHashLabel(template))) + (collisionCount ? String(collisionCount) : '');
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((ch) => SAFE[ch.charCodeAt(0) % SAFE.length]).join('');
}
