/**
 * A workload no GitOps controller manages: the search team deploys `search` in us-east with
 * `kubectl set image` from its pipeline. No Application, no config repo folder; its only history
 * is its ReplicaSets (`kubectl rollout history`), which is what `rollout undo` goes back to. The
 * `kubectl` scenario ships a crash-looping build the same way.
 */
import type { Deployment, KubeObject } from '../kube/types.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import { applyObject } from '../gitops/apply.ts';
import { deploymentHealth } from '../gitops/health.ts';
import { NAMESPACE } from './bookstore.ts';
import { IMAGE_REGISTRY, repositoryOf } from './images.ts';

export const UNMANAGED_APP = { name: 'bookstore-search-us-east', service: 'search', region: 'us-east', replicas: 2 } as const;
/** What its pipeline shipped, oldest first; the last one runs when the sandbox is up. */
const SEARCH_RELEASES = ['0.7.0', '0.7.1'] as const;
export const SEARCH_BAD_RELEASE = '0.8.0';

function searchImage(version: string): string {
  const b = IMAGE_REGISTRY.find((x) => x.repo === 'search' && x.version === version);
  if (!b) throw new Error(`no search build ${version}`);
  return `${repositoryOf('search')}@${b.digest}`;
}

const PATH = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${UNMANAGED_APP.service}`;

function manifest(version: string): KubeObject {
  const name = UNMANAGED_APP.service;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: { app: name, team: 'search' }, annotations: { 'kubernetes.io/change-cause': `kubectl set image deployment/search search=${searchImage(version)}` } },
    spec: {
      replicas: UNMANAGED_APP.replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      progressDeadlineSeconds: 120,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: searchImage(version), ports: [{ name: 'http', containerPort: 8090 }] }] } },
    },
  };
}

/** Seeds its past: each release applied and rolled out, so the Deployment has a ReplicaSet per release. */
export async function seedUnmanaged(deps: { kube: KubeClient; settle(): void; warp(ms: number): void }): Promise<void> {
  for (const version of SEARCH_RELEASES) {
    await applyObject(deps.kube, manifest(version));
    for (let step = 0; step < 150; step++) {
      deps.warp(700);
      deps.settle();
      if (step % 5 !== 4) continue;
      const r = await deps.kube.request<Deployment>('GET', PATH);
      if (r.status === 200 && deploymentHealth(r.body).status === 'Healthy' && r.body.metadata.annotations?.['deployment.kubernetes.io/revision'] === String(SEARCH_RELEASES.indexOf(version) + 1)) break;
    }
  }
}

/** The search pipeline's `kubectl set image` (a strategic merge patch) plus its change-cause. */
export async function shipSearch(kube: KubeClient, version: string): Promise<{ image: string }> {
  const image = searchImage(version);
  const r = await kube.request('PATCH', PATH, {
    metadata: { annotations: { 'kubernetes.io/change-cause': `kubectl set image deployment/search search=${image}` } },
    spec: { template: { spec: { containers: [{ name: UNMANAGED_APP.service, image }] } } },
  }, 'application/strategic-merge-patch+json');
  if (r.status !== 200) throw new Error(`set image search: HTTP ${r.status}`);
  return { image };
}
