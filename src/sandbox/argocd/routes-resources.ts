/**
 * The resource tree (Deployment -> ReplicaSets -> Pods, with health, images and parent
 * refs) and `GET .../resource` (a live object as JSON, Pods included), both read live from
 * the destination cluster. As upstream, images in the tree are the spec's strings; the
 * digest a Pod really runs is in its `status.containerStatuses[].imageID`.
 */
import type { KubeObject, Pod } from '../kube/types.ts';
import { objectHealth } from '../gitops/health.ts';
import { kubeMessage, resourcePath } from '../gitops/kube-client.ts';
import { groupVersion } from './compare.ts';
import { mustGet, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';
import { readLive } from './live-state.ts';
import { isHook } from './hooks.ts';

interface Ref {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

function refOf(o: KubeObject): Ref {
  return { ...groupVersion(o), kind: o.kind ?? '', namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

function node(o: KubeObject, parents: KubeObject[]): Record<string, unknown> {
  const health = objectHealth(o);
  const n: Record<string, unknown> = {
    ...refOf(o),
    resourceVersion: o.metadata.resourceVersion,
    createdAt: o.metadata.creationTimestamp,
    health: health.message ? { status: health.status, message: health.message } : { status: health.status },
  };
  if (parents.length) n['parentRefs'] = parents.map(refOf);
  if (o.kind === 'ReplicaSet') {
    n['info'] = [{ name: 'Revision', value: `Rev:${o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? o.metadata.annotations?.['rollout.argoproj.io/revision'] ?? ''}` }];
  }
  if (o.kind === 'Pod') {
    const pod = o as Pod;
    const statuses = pod.status?.containerStatuses ?? [];
    n['images'] = pod.spec.containers.flatMap((c) => (c.image ? [c.image] : []));
    n['info'] = [
      { name: 'Status Reason', value: pod.status?.phase ?? 'Pending' },
      { name: 'Node', value: pod.spec.nodeName ?? '' },
      { name: 'Containers', value: `${statuses.filter((s) => s.ready).length}/${pod.spec.containers.length}` },
    ];
    const restarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
    if (restarts) (n['info'] as unknown[]).push({ name: 'Restart Count', value: String(restarts) });
  }
  return n;
}

async function treeObjects(ctx: ArgoContext, name: string): Promise<{ object: KubeObject; parents: KubeObject[] }[]> {
  const app = mustGet(ctx, name);
  const commit = await ctx.manifests.resolve(app.status.sync.revision ?? app.spec.source.targetRevision);
  const live = await readLive(ctx.kubeFor(app), (await ctx.manifests.render(commit, app.spec.source.path)).filter((o) => !isHook(o)));
  const out: { object: KubeObject; parents: KubeObject[] }[] = [];
  for (const l of live) {
    if (!l.live) continue;
    out.push({ object: l.live, parents: [] });
    for (const rs of l.replicaSets) out.push({ object: rs, parents: [l.live] });
    for (const p of l.pods) {
      const owner = l.replicaSets.find((rs) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === rs.metadata.uid));
      out.push({ object: p, parents: owner ? [owner] : [] });
    }
  }
  return out;
}

export function resourceRoutes(ctx: ArgoContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/applications/:name/resource-tree',
      async handle(req) {
        const objects = await treeObjects(ctx, req.params['name'] ?? '');
        return { nodes: objects.map((o) => node(o.object, o.parents)), hosts: [{ name: `${mustGet(ctx, req.params['name'] ?? '').spec.destination.name ?? 'in-cluster'}-node-1` }] };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/applications/:name/resource',
      async handle(req) {
        const name = req.params['name'] ?? '';
        const q = req.query;
        const want = { namespace: q.get('namespace') ?? '', name: q.get('resourceName') ?? '', kind: q.get('kind') ?? '', group: q.get('group') ?? '' };
        const found = (await treeObjects(ctx, name)).find(
          (o) =>
            o.object.kind === want.kind &&
            o.object.metadata.name === want.name &&
            (want.namespace === '' || o.object.metadata.namespace === want.namespace) &&
            groupVersion(o.object).group === want.group,
        );
        if (!found) {
          throw new GrpcError(GrpcCode.NotFound, `${want.kind} ${want.group ? `${want.group}/` : ''}${want.name} not found as part of application ${name}`);
        }
        // Re-read the object itself so the manifest is current, as upstream's live lookup is.
        const app = mustGet(ctx, name);
        const o = found.object;
        const path = resourcePath({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
        const got = await ctx.kubeFor(app).request('GET', path);
        if (got.status >= 300) throw new GrpcError(got.status === 404 ? GrpcCode.NotFound : GrpcCode.Internal, kubeMessage(got));
        return { manifest: JSON.stringify(got.body) };
      },
    },
  ];
}
