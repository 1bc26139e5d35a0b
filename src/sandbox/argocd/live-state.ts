/**
 * What runs in the destination cluster for an app's manifests: each rendered object's live
 * counterpart, and for Deployments their ReplicaSets and Pods (for the resource tree and
 * the images summary), read over the cluster's HTTPS API.
 */
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../kube/types.ts';
import { kubeMessage, objectPath, resourcePath, type KubeClient } from '../gitops/kube-client.ts';

export interface LiveObject {
  readonly desired: KubeObject;
  readonly live: KubeObject | undefined;
  readonly replicaSets: readonly ReplicaSet[];
  readonly pods: readonly Pod[];
}

export class ClusterUnreachable extends Error {}

function selectorOf(d: Deployment): string {
  return Object.entries(d.spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function ownedBy(o: KubeObject, uid: string): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

async function list<T>(kube: KubeClient, path: string): Promise<T[]> {
  const r = await kube.request<{ items?: T[] }>('GET', path);
  if (r.status >= 300) throw new ClusterUnreachable(`GET ${path}: ${kubeMessage(r)}`);
  return r.body.items ?? [];
}

export async function readLive(kube: KubeClient, desired: readonly KubeObject[]): Promise<LiveObject[]> {
  return Promise.all(
    desired.map(async (d): Promise<LiveObject> => {
      const got = await kube.request<KubeObject>('GET', objectPath(d));
      if (got.status === 404) return { desired: d, live: undefined, replicaSets: [], pods: [] };
      if (got.status >= 300) throw new ClusterUnreachable(`GET ${objectPath(d)}: ${kubeMessage(got)}`);
      const live = got.body;
      // Deployments and Argo Rollouts own ReplicaSets, which own Pods.
      if (live.kind !== 'Deployment' && live.kind !== 'Rollout') return { desired: d, live, replicaSets: [], pods: [] };
      const dep = live as Deployment;
      const q = `?labelSelector=${encodeURIComponent(selectorOf(dep))}`;
      const ns = dep.metadata.namespace;
      const [rss, pods] = await Promise.all([
        list<ReplicaSet>(kube, `${resourcePath({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns })}${q}`),
        list<Pod>(kube, `${resourcePath({ apiVersion: 'v1', kind: 'Pod', namespace: ns })}${q}`),
      ]);
      // List items carry no apiVersion/kind on a real API server; name them for the tree.
      const mine = rss.filter((rs) => ownedBy(rs, dep.metadata.uid)).map((rs) => ({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' }));
      const uids = new Set(mine.map((rs) => rs.metadata.uid));
      const owned = pods.filter((p) => (p.metadata.ownerReferences ?? []).some((r) => uids.has(r.uid)));
      return { desired: d, live, replicaSets: mine, pods: owned.map((p) => ({ ...p, apiVersion: 'v1', kind: 'Pod' })) };
    }),
  );
}
