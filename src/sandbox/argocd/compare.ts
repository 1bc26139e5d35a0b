/**
 * Argo CD's comparison: render the target revision, read the live objects, and decide
 * sync status (every declared field matches live) and health (the worst resource's).
 */
import type { KubeObject } from '../kube/types.ts';
import { declared, isSubset } from '../gitops/apply.ts';
import { objectHealth, worstHealth, type Health } from '../gitops/health.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import type { Application, ResourceStatus } from './application.ts';
import { readLive, type LiveObject } from './live-state.ts';
import type { ManifestSource } from './manifests.ts';
import { isHook } from './hooks.ts';
import { ignoredPointers, withLiveAt } from './ignore-differences.ts';

export interface Comparison {
  /** The commit the target revision resolved to. */
  readonly revision: string;
  readonly status: 'Synced' | 'OutOfSync';
  readonly resources: ResourceStatus[];
  readonly health: Health;
  readonly images: string[];
  readonly live: LiveObject[];
}

export function groupVersion(o: Pick<KubeObject, 'apiVersion'>): { group: string; version: string } {
  const av = o.apiVersion ?? 'v1';
  const i = av.indexOf('/');
  return i < 0 ? { group: '', version: av } : { group: av.slice(0, i), version: av.slice(i + 1) };
}

function imagesOf(o: KubeObject | undefined): string[] {
  const spec = o?.spec as { containers?: { image?: string }[]; template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  const containers = spec?.containers ?? spec?.template?.spec?.containers ?? [];
  return containers.flatMap((c) => (c.image ? [c.image] : []));
}

export async function compareApp(app: Application, manifests: ManifestSource, kube: KubeClient): Promise<Comparison> {
  const revision = await manifests.resolve(app.spec.source.targetRevision);
  // Hooks are run by syncs, not compared (upstream's sync status ignores them).
  const desired = (await manifests.render(revision, app.spec.source.path)).filter((o) => !isHook(o));
  const live = await readLive(kube, desired);
  const resources = live.map((l): ResourceStatus => {
    const health = objectHealth(l.live);
    return {
      ...groupVersion(l.desired),
      kind: l.desired.kind ?? '',
      namespace: l.desired.metadata.namespace ?? '',
      name: l.desired.metadata.name ?? '',
      status: l.live && isSubset(declared(withLiveAt(l.desired, l.live, ignoredPointers(app.spec.ignoreDifferences, l.desired))), l.live) ? 'Synced' : 'OutOfSync',
      health: health.message ? { status: health.status, message: health.message } : { status: health.status },
    };
  });
  const images = new Set<string>();
  for (const l of live) {
    for (const i of imagesOf(l.live)) images.add(i);
    for (const p of l.pods) for (const i of imagesOf(p)) images.add(i);
  }
  return {
    revision,
    status: resources.every((r) => r.status === 'Synced') ? 'Synced' : 'OutOfSync',
    resources,
    health: worstHealth(live.map((l) => objectHealth(l.live))),
    images: [...images].sort(),
    live,
  };
}
