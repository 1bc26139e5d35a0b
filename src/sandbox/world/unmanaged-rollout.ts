/**
 * The search team's indexer, migrated to Argo Rollouts the way upstream's "Migrating to Rollouts"
 * (argo-rollouts `docs/migrating.md`) describes: the Deployment stays and its pipeline keeps
 * changing it (`kubectl set image deployment/search-indexer`); a Rollout of the same name
 * references it (`workloadRef`, `scaleDown: onsuccess`: the Deployment goes to 0 once the Rollout
 * is Healthy) and runs the canary. No Argo CD: both are applied with kubectl. The team promotes
 * its canaries in full as a habit (`kubectl argo rollouts promote --full`), which is how scenario
 * `rollouts-workloadref` ships a bad version to every Pod.
 */
import type { Deployment, KubeObject } from '../kube/types.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import { kubeMessage } from '../gitops/kube-client.ts';
import { applyObject } from '../gitops/apply.ts';
import { rolloutHealth } from '../rollouts/argocd-health.ts';
import type { Rollout } from '../rollouts/types.ts';
import { NAMESPACE } from './bookstore.ts';
import { IMAGE_REGISTRY, repositoryOf } from './images.ts';

export const UNMANAGED_ROLLOUT_APP = { name: 'bookstore-search-indexer-us-east', workload: 'search-indexer', region: 'us-east', replicas: 4 } as const;
/** What its pipeline shipped, oldest first: the first created the Rollout, the second went through its canary. */
const INDEXER_RELEASES = ['0.7.0', '0.7.1'] as const;
/** A build whose index merges block queries: it runs and gets Ready, and is bad. */
export const INDEXER_BAD_RELEASE = '0.8.1';

const NAME = UNMANAGED_ROLLOUT_APP.workload;
const DEPLOYMENT_PATH = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${NAME}`;
const ROLLOUT_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts/${NAME}`;

function indexerImage(version: string): string {
  const b = IMAGE_REGISTRY.find((x) => x.repo === 'search' && x.version === version);
  if (!b) throw new Error(`no search build ${version}`);
  return `${repositoryOf('search')}@${b.digest}`;
}

function deployment(version: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { app: NAME, team: 'search' } },
    spec: {
      replicas: UNMANAGED_ROLLOUT_APP.replicas,
      selector: { matchLabels: { app: NAME } },
      template: { metadata: { labels: { app: NAME } }, spec: { containers: [{ name: NAME, image: indexerImage(version), args: ['--role=indexer'], ports: [{ name: 'http', containerPort: 8091 }] }] } },
    },
  };
}

const rollout: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: NAME, namespace: NAMESPACE, labels: { app: NAME, team: 'search' } },
  spec: {
    replicas: UNMANAGED_ROLLOUT_APP.replicas,
    revisionHistoryLimit: 5,
    selector: { matchLabels: { app: NAME } },
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, scaleDown: 'onsuccess' },
    strategy: { canary: { maxSurge: 1, maxUnavailable: 0, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '30s' } }] } },
  },
};

/** The pipeline's `kubectl set image` on the Deployment (a strategic merge patch): the Rollout takes the template from there. */
async function setImage(kube: KubeClient, version: string): Promise<string> {
  const image = indexerImage(version);
  const r = await kube.request('PATCH', DEPLOYMENT_PATH, { spec: { template: { spec: { containers: [{ name: NAME, image }] } } } }, 'application/strategic-merge-patch+json');
  if (r.status !== 200) throw new Error(`set image ${NAME}: ${kubeMessage(r)}`);
  return image;
}

/**
 * The plugin's `promote --full` (`cmd/promote/promote.go`: `{"status":{"promoteFull":true}}` on the
 * status subresource) while an update is in progress; true once sent. The team's step in every
 * workloadRef scenario.
 */
export async function promoteFullAt(kube: KubeClient, rolloutPath: string): Promise<boolean> {
  const r = await kube.request<Rollout>('GET', rolloutPath);
  const st = r.body.status;
  if (r.status !== 200 || !st?.currentPodHash || !st.stableRS || st.stableRS === st.currentPodHash) return false;
  const p = await kube.request('PATCH', `${rolloutPath}/status`, { status: { promoteFull: true } }, 'application/merge-patch+json');
  if (p.status >= 300) throw new Error(`promote --full ${rolloutPath.split('/').pop() ?? rolloutPath}: ${kubeMessage(p)}`);
  return true;
}

async function healthyOn(kube: KubeClient, image: string): Promise<boolean> {
  const [r, d] = await Promise.all([kube.request<Rollout>('GET', ROLLOUT_PATH), kube.request<Deployment>('GET', DEPLOYMENT_PATH)]);
  if (r.status !== 200 || d.status !== 200) return false;
  const st = r.body.status;
  // The Deployment at 0 too: scaleDown onsuccess acts on the pass after revision 1 is Healthy.
  return rolloutHealth(r.body).status === 'Healthy' && st?.stableRS === st?.currentPodHash && d.body.spec.template.spec?.containers?.[0]?.image === image && d.body.spec.replicas === 0;
}

/** Seeds its past: the Deployment and the Rollout at the first release, then the second release promoted in full. */
export async function seedUnmanagedRollout(deps: { kube: KubeClient; settle(): void; warp(ms: number): void }): Promise<void> {
  const [first, ...rest] = INDEXER_RELEASES;
  await applyObject(deps.kube, deployment(first));
  await applyObject(deps.kube, rollout);
  const releases: { version: string; ship: () => Promise<unknown> }[] = [{ version: first, ship: () => Promise.resolve() }, ...rest.map((v) => ({ version: v, ship: () => setImage(deps.kube, v) }))];
  for (const release of releases) {
    await release.ship();
    const image = indexerImage(release.version);
    let done = false;
    for (let step = 0; step < 200 && !done; step++) {
      deps.warp(700);
      deps.settle();
      if (step % 5 !== 4) continue;
      await promoteFullAt(deps.kube, ROLLOUT_PATH);
      done = await healthyOn(deps.kube, image);
    }
    if (!done) throw new Error(`seeding ${NAME}: release ${release.version} did not become Healthy`);
  }
}

/**
 * Scenario `rollouts-workloadref`: the pipeline sets the bad image on the Deployment; once the
 * Rollout pauses at its first step, the team promotes it in full. Waits (real time, polling)
 * until every Pod runs it and the Rollout is Healthy on it.
 */
export async function shipIndexer(kube: KubeClient, sleep: (ms: number) => Promise<void>, realTimeoutMs: number): Promise<{ image: string; promoted: boolean }> {
  const image = await setImage(kube, INDEXER_BAD_RELEASE);
  const deadline = performance.now() + realTimeoutMs;
  let promoted = false;
  while (performance.now() < deadline) {
    if (!promoted) promoted = await promoteFullAt(kube, ROLLOUT_PATH);
    if (promoted && (await healthyOn(kube, image))) return { image, promoted };
    await sleep(250);
  }
  return { image, promoted };
}
