/**
 * Applies rendered manifests to a cluster through its API, as `kubectl apply` would for the
 * fields the config repo declares: GET, then PUT with the live resourceVersion (retrying on
 * 409), or POST when the object does not exist. Fields the API server or controllers own
 * (status, defaults, the revision annotation) are kept; lists of named items take the
 * desired items, each laid over its live counterpart.
 */
import type { KubeObject } from '../kube/types.ts';
import { isObject } from './strategic-merge.ts';
import { kubeMessage, objectPath, type KubeClient } from './kube-client.ts';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export class ApplyError extends Error {}

const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

/** True when every field `desired` sets has the same value in `live` (defaults in live are ignored). */
export function isSubset(desired: unknown, live: unknown, key = ''): boolean {
  if (isObject(desired)) {
    if (!isObject(live)) return false;
    return Object.entries(desired).every(([k, v]) => isSubset(v, live[k], k));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    const mk = MERGE_KEYS[key];
    return desired.every((item: unknown, i) => {
      const peer: unknown = mk && isObject(item) ? live.find((l: unknown) => isObject(l) && l[mk] === item[mk]) : live[i];
      return isSubset(item, peer, '');
    });
  }
  if (typeof desired === 'number' || typeof live === 'number') return String(desired) === String(live);
  return desired === live;
}

/** `desired` laid over `live`: what a PUT must carry to make `isSubset(desired, result)` hold. */
export function overlay(live: unknown, desired: unknown, key = ''): unknown {
  if (isObject(desired) && isObject(live)) {
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(desired)) out[k] = overlay(live[k], v, k);
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const mk = MERGE_KEYS[key];
    if (!mk) return desired;
    return desired.map((item: unknown) => {
      const peer: unknown = isObject(item) ? live.find((l: unknown) => isObject(l) && l[mk] === item[mk]) : undefined;
      return peer === undefined ? item : overlay(peer, item, '');
    });
  }
  return desired;
}

/** The part of an object the config repo owns, for comparison. */
export function declared(o: KubeObject): Record<string, unknown> {
  const meta: Record<string, unknown> = { name: o.metadata.name };
  if (o.metadata.labels) meta['labels'] = o.metadata.labels;
  if (o.metadata.annotations) meta['annotations'] = o.metadata.annotations;
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = o;
  return { metadata: meta, ...rest };
}

export async function applyObject(client: KubeClient, desired: KubeObject): Promise<ApplyOutcome> {
  const path = objectPath(desired);
  for (let attempt = 0; attempt < 5; attempt++) {
    const got = await client.request<KubeObject>('GET', path);
    if (got.status === 404) {
      const created = await client.request('POST', objectPath(desired, false), desired);
      if (created.status === 409) continue;
      if (created.status >= 300) throw new ApplyError(`${desired.kind}/${desired.metadata.name}: ${kubeMessage(created)}`);
      return 'created';
    }
    if (got.status >= 300) throw new ApplyError(`${desired.kind}/${desired.metadata.name}: ${kubeMessage(got)}`);
    const live = got.body;
    if (isSubset(declared(desired), live)) return 'unchanged';
    const { status: _status, ...liveNoStatus } = live;
    const next = overlay(liveNoStatus, declared(desired)) as KubeObject;
    next.metadata = { ...next.metadata, resourceVersion: live.metadata.resourceVersion };
    const put = await client.request('PUT', path, next);
    if (put.status === 409) continue;
    if (put.status >= 300) throw new ApplyError(`${desired.kind}/${desired.metadata.name}: ${kubeMessage(put)}`);
    return 'configured';
  }
  throw new ApplyError(`${desired.kind}/${desired.metadata.name}: kept conflicting with concurrent updates`);
}
