/**
 * The search indexer in eu-west, where the search team let Argo CD deploy its migration to Argo
 * Rollouts (scenario `rollouts-workloadref-argocd`): the config repo holds both the Deployment
 * (with its replicas) and a Rollout that references it (`workloadRef`, `scaleDown: onsuccess`),
 * and an Application with auto-sync and self-heal deploys the folder. The Rollout sets the
 * Deployment's replicas to 0 while git keeps 4: the team set what users converge on for this
 * (argo-rollouts issues #4681/#4935, argo-cd's `ignoreDifferences` docs): `ignoreDifferences` on
 * the Deployment's `/spec/replicas` and `RespectIgnoreDifferences=true`, so Argo CD neither shows
 * drift nor scales it back up on a sync (`argocd/ignore-differences.ts`). Releases go through git
 * (CI pins the digest in the overlay); the team promotes its canaries in full.
 */
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import type { SandboxClock } from '../clock.ts';
import type { AppStore } from '../argocd/app-store.ts';
import type { ApplicationSpec } from '../argocd/application.ts';
import { argoTime } from '../argocd/sync-operation.ts';
import type { ConfigRepo } from '../gitops/config-repo.ts';
import type { GitIdentity } from '../gitops/git.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import { rolloutHealth } from '../rollouts/argocd-health.ts';
import type { Rollout } from '../rollouts/types.ts';
import type { Deployment } from '../kube/types.ts';
import { APP_FINALIZERS } from './app-definitions.ts';
import { NAMESPACE } from './bookstore.ts';
import { digestOf, repositoryOf } from './images.ts';
import { promoteFullAt } from './unmanaged-rollout.ts';

export const GITOPS_ROLLOUT_APP = {
  name: 'bookstore-search-indexer-eu-west',
  workload: 'search-indexer',
  region: 'eu-west',
  replicas: 4,
  path: 'apps/search-indexer/eu-west',
} as const;
/** The release it runs before the incident. */
const RELEASES = ['0.7.1'] as const;
export const GITOPS_INDEXER_BAD_RELEASE = '0.8.1';

const NAME = GITOPS_ROLLOUT_APP.workload;
const ROLLOUT_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts/${NAME}`;
const DEPLOYMENT_PATH = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${NAME}`;
const OVERLAY = `${GITOPS_ROLLOUT_APP.path}/kustomization.yaml`;
const CI: GitIdentity = { name: 'ci-bot', email: 'ci-bot@acme-books.example' };
const SEARCH_TEAM: GitIdentity = { name: 'Tomás Ferreira', email: 'tomas.ferreira@acme-books.example' };

/** The folder: the Deployment and the Rollout in git, the digest pinned by the overlay. */
function files(version: string): Record<string, string> {
  const repository = repositoryOf('search');
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, labels: { app: NAME, team: 'search' } },
    spec: {
      replicas: GITOPS_ROLLOUT_APP.replicas,
      selector: { matchLabels: { app: NAME } },
      template: { metadata: { labels: { app: NAME } }, spec: { containers: [{ name: NAME, image: repository, args: ['--role=indexer'], ports: [{ name: 'http', containerPort: 8091 }] }] } },
    },
  };
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: NAME, labels: { app: NAME, team: 'search' } },
    spec: {
      replicas: GITOPS_ROLLOUT_APP.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { app: NAME } },
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, scaleDown: 'onsuccess' },
      strategy: { canary: { maxSurge: 1, maxUnavailable: 0, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '30s' } }] } },
    },
  };
  return {
    [`apps/${NAME}/base/deployment.yaml`]: stringify(deployment),
    [`apps/${NAME}/base/rollout.yaml`]: stringify(rollout),
    [`apps/${NAME}/base/kustomization.yaml`]: stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['deployment.yaml', 'rollout.yaml'] }),
    [OVERLAY]: overlay(version),
  };
}

function overlay(version: string): string {
  const body = stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: NAMESPACE, resources: ['../base'], images: [{ name: repositoryOf('search'), digest: digestOf('search', version) }] });
  return `# search indexer in eu-west (Argo Rollouts, workloadRef). CI pins the image by digest; the version is in the commit message.\n# image version: ${version}\n${body}`;
}

const imageOf = (version: string): string => `${repositoryOf('search')}@${digestOf('search', version)}`;
const bumpMessage = (version: string): string => `search-indexer: bump image to ${version} in eu-west\n\nBuilt by ci-pipeline #${4100 + Math.floor(Math.random() * 800)}.`;

function spec(repoURL: string): ApplicationSpec {
  return {
    project: 'bookstore',
    source: { repoURL, path: GITOPS_ROLLOUT_APP.path, targetRevision: 'main' },
    destination: { name: GITOPS_ROLLOUT_APP.region, namespace: NAMESPACE },
    syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true }, syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'] },
    ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: NAME, jsonPointers: ['/spec/replicas'] }],
    revisionHistoryLimit: 10,
  };
}

/** Healthy on `image`. Not waiting for the Deployment at 0: without the ignore rule, self-heal has put its replicas back and nothing scales them down again. */
async function healthyOn(kube: KubeClient, image: string): Promise<boolean> {
  const [r, d] = await Promise.all([kube.request<Rollout>('GET', ROLLOUT_PATH), kube.request<Deployment>('GET', DEPLOYMENT_PATH)]);
  if (r.status !== 200 || d.status !== 200) return false;
  const st = r.body.status;
  return rolloutHealth(r.body).status === 'Healthy' && st?.stableRS === st?.currentPodHash && d.body.spec.template.spec?.containers?.[0]?.image === image;
}

export interface GitOpsIndexerSeedDeps {
  readonly repo: ConfigRepo;
  readonly apps: AppStore;
  readonly clock: SandboxClock;
  /** Called after every push (the repo-server's webhook). */
  pushed(): void;
}

/**
 * Seeds its start: the folder committed and the Application created. Auto-sync deploys it once
 * the controller runs (the Deployment with its own Pods, then the Rollout, revision 1, which scales
 * the Deployment to 0 once Healthy), on the sandbox clock after the sandbox is ready: nothing of it
 * sits on every sandbox's start-up path but one commit. Its ReplicaSet is what an undo returns to.
 */
export async function seedGitOpsIndexer(deps: GitOpsIndexerSeedDeps): Promise<void> {
  const [version] = RELEASES;
  await deps.repo.commit({ files: files(version), message: `search-indexer: eu-west on Argo Rollouts through Argo CD (workloadRef to the Deployment, replicas ignored), ${version}`, date: deps.clock.now(), author: SEARCH_TEAM });
  deps.pushed();
  deps.apps.create({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: GITOPS_ROLLOUT_APP.name,
      namespace: 'argocd',
      uid: randomUUID(),
      resourceVersion: '0',
      generation: 1,
      creationTimestamp: argoTime(deps.clock.now()),
      labels: { 'app.kubernetes.io/part-of': 'bookstore-platform', 'bookstore.acme/service': 'search', 'bookstore.acme/region': GITOPS_ROLLOUT_APP.region },
      finalizers: [...APP_FINALIZERS],
    },
    spec: spec(deps.repo.repoURL),
    status: { sync: { status: 'Unknown' }, health: { status: 'Missing' }, history: [], summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  });
}

export interface GitOpsIndexerShipDeps {
  readonly repo: ConfigRepo;
  readonly clock: SandboxClock;
  readonly kube: KubeClient;
  pushed(): void;
}

/**
 * Scenario `rollouts-workloadref-argocd`: CI pins the bad digest in git; auto-sync applies the
 * Deployment's new template, the Rollout starts a canary from it, and once it pauses the team
 * promotes it in full. Waits (real time, polling) until every Pod runs it and the Rollout is
 * Healthy on it.
 */
export async function shipGitOpsIndexer(deps: GitOpsIndexerShipDeps, realTimeoutMs: number): Promise<{ revision: string; previousRevision: string; image: string; promoted: boolean }> {
  const head = await deps.repo.resolve(deps.repo.branch);
  const text = await deps.repo.readFile(head, OVERLAY);
  if (text.includes(`# image version: ${GITOPS_INDEXER_BAD_RELEASE}`)) throw new Error(`${GITOPS_ROLLOUT_APP.name} already ships the bad image ${GITOPS_INDEXER_BAD_RELEASE}; revert it first`);
  const revision = await deps.repo.commit({ files: { [OVERLAY]: overlay(GITOPS_INDEXER_BAD_RELEASE) }, message: bumpMessage(GITOPS_INDEXER_BAD_RELEASE), date: deps.clock.now(), author: CI });
  deps.pushed();
  const image = imageOf(GITOPS_INDEXER_BAD_RELEASE);
  const deadline = performance.now() + realTimeoutMs;
  let promoted = false;
  while (performance.now() < deadline) {
    if (!promoted) promoted = await promoteFullAt(deps.kube, ROLLOUT_PATH);
    if (promoted && (await healthyOn(deps.kube, image))) return { revision, previousRevision: head, image, promoted };
    await deps.clock.sleep(250);
  }
  return { revision, previousRevision: head, image, promoted };
}
