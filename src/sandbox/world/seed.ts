/**
 * Puts the Bookstore world in place: one Application per service and region (some generated
 * by the world's ApplicationSets, one rendered by the `bookstore-apps` parent, which is
 * created and synced last), with the deploy history the config repo's past implies. Past entries are written as records; the current state is made by real
 * syncs through the Kubernetes API (the two previous revisions first, so the Deployments
 * have ReplicaSet history for `kubectl rollout undo`, then the current one as a backdated
 * sync operation that appends the current history entry).
 */
import { randomUUID } from 'node:crypto';
import type { Deployment, KubeObject } from '../kube/types.ts';
import { deploymentHealth } from '../gitops/health.ts';
import { rolloutHealth } from '../rollouts/argocd-health.ts';
import type { Rollout } from '../rollouts/types.ts';
import { resourcePath } from '../gitops/kube-client.ts';
import { applyObject } from '../gitops/apply.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import { DEFAULT_HISTORY_LIMIT, type Application, type RevisionHistory } from '../argocd/application.ts';
import type { AppController } from '../argocd/app-controller.ts';
import type { AppStore } from '../argocd/app-store.ts';
import type { AppSetStore } from '../argocd/appset.ts';
import type { ManifestSource } from '../argocd/manifests.ts';
import { argoTime } from '../argocd/sync-operation.ts';
import { isHook } from '../argocd/hooks.ts';
import { NAMESPACE, PARENT_APP, WORLD_APPS, type WorldApp } from './bookstore.ts';
import { APP_FINALIZERS, appLabels, appSetDefinitions, appSpec, parentSpec } from './app-definitions.ts';
import { historyIds, type WorldHistory } from './timeline.ts';

export interface SeedDeps {
  readonly apps: AppStore;
  readonly appSets: AppSetStore;
  readonly controller: AppController;
  readonly manifests: ManifestSource;
  readonly repoURL: string;
  /** Commit hashes of `history.commits`, same order. */
  readonly shas: readonly string[];
  readonly history: WorldHistory;
  readonly createdAt: Date;
  kubeFor(cluster: string): KubeClient;
  /** Runs the clusters' controllers once, so each applied template gets its own ReplicaSet. */
  settle(): void;
  /** Moves sandbox time forward at once (the past's rollouts finish without waiting). */
  warp(sandboxMs: number): void;
}

/** Sandbox ms one warp step skips: shorter than a pod's start-up, so rollouts move step by step. */
const WARP_STEP_MS = 700;
const WARP_MAX_STEPS = 150;

/** Lets every Deployment finish rolling out by skipping sandbox time, checking over the API. */
async function finishRollouts(deps: SeedDeps): Promise<void> {
  for (let step = 0; step < WARP_MAX_STEPS; step++) {
    deps.warp(WARP_STEP_MS);
    deps.settle();
    if (step % 5 !== 4) continue;
    const done = await Promise.all(
      WORLD_APPS.map(async (app) => {
        if (app.workload?.kind === 'Rollout') return promoteRollout(deps.kubeFor(app.region), app.workload.name);
        const r = await deps.kubeFor(app.region).request<Deployment>('GET', resourcePath({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NAMESPACE, name: app.service }));
        return r.status === 200 && deploymentHealth(r.body).status === 'Healthy';
      }),
    );
    if (done.every(Boolean)) return;
  }
}

/**
 * The canary app's past releases were each promoted in full by its team (the plugin's
 * `promote --full`: `{"status":{"promoteFull":true}}` on the status subresource), so the world
 * starts Healthy with a ReplicaSet per past release. True once it is Healthy.
 */
async function promoteRollout(kube: KubeClient, name: string): Promise<boolean> {
  const path = resourcePath({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', namespace: NAMESPACE, name });
  const r = await kube.request<Rollout>('GET', path);
  if (r.status !== 200) return false;
  const st = r.body.status;
  if (st?.currentPodHash && st.stableRS && st.stableRS !== st.currentPodHash && !st.promoteFull) {
    await kube.request('PATCH', `${path}/status`, { status: { promoteFull: true } }, 'application/merge-patch+json');
  }
  return rolloutHealth(r.body).status === 'Healthy';
}

function newApplication(app: WorldApp, deps: SeedDeps, history: RevisionHistory[], setUid: string | undefined): Application {
  const set = app.owner?.kind === 'ApplicationSet' ? app.owner.name : undefined;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app.name,
      namespace: 'argocd',
      uid: randomUUID(),
      resourceVersion: '0',
      generation: 1,
      creationTimestamp: argoTime(deps.createdAt),
      labels: appLabels(app),
      finalizers: [...APP_FINALIZERS],
      ...(set && setUid ? { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', name: set, uid: setUid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: appSpec(app, deps.repoURL, limitOf(app, deps)),
    status: {
      sync: { status: 'Unknown' },
      health: { status: 'Missing' },
      history,
      summary: {},
      sourceType: 'Kustomize',
      controllerNamespace: 'argocd',
    },
  };
}

function limitOf(app: WorldApp, deps: SeedDeps): number {
  return deps.history.historyLimits[app.name] ?? DEFAULT_HISTORY_LIMIT;
}

async function applyRevision(deps: SeedDeps, app: WorldApp, commit: string): Promise<void> {
  const kube = deps.kubeFor(app.region);
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
  await applyObject(kube, ns);
  // Hooks ran (or not) with the sync that deployed the commit; only the resources stay.
  for (const o of await deps.manifests.render(commit, app.path)) if (!isHook(o)) await applyObject(kube, o);
}

export async function seedWorld(deps: SeedDeps): Promise<void> {
  const sets = new Map<string, string>();
  for (const def of appSetDefinitions(deps.repoURL, deps.createdAt)) sets.set(def.metadata.name, deps.appSets.upsert(def).metadata.uid);

  const plans = WORLD_APPS.map((app) => {
    const deploys = deps.history.deploys.filter((d) => d.app === app.name);
    const ids = historyIds(app.name, deploys);
    const entries = deploys.map(
      (d, i): RevisionHistory => ({
        id: ids[i] ?? i,
        revision: deps.shas[d.commit] ?? '',
        deployStartedAt: argoTime(d.startedAt),
        deployedAt: argoTime(d.deployedAt),
        source: { repoURL: deps.repoURL, path: app.path, targetRevision: 'main' },
        initiatedBy: { automated: true },
      }),
    );
    const current = entries[entries.length - 1]!;
    const past = entries.slice(0, -1).slice(-(limitOf(app, deps) - 1));
    deps.apps.create(newApplication(app, deps, past, app.owner ? sets.get(app.owner.name) : undefined));
    return { app, past, current, deploy: deploys[deploys.length - 1]! };
  });

  // Two earlier revisions, one controller pass apart, so each leaves its own ReplicaSet.
  for (const back of [2, 1]) {
    await Promise.all(plans.filter((p) => p.past[p.past.length - back]).map((p) => applyRevision(deps, p.app, p.past[p.past.length - back]!.revision)));
    deps.settle();
    await finishRollouts(deps);
  }
  await Promise.all(
    plans.map(async (p) => {
      const phase = await deps.controller.syncNow(
        p.app.name,
        { sync: { revision: p.current.revision, prune: true, syncOptions: ['CreateNamespace=true'] }, initiatedBy: { automated: true } },
        { startedAt: p.deploy.startedAt, finishedAt: p.deploy.deployedAt },
      );
      if (phase !== 'Succeeded') throw new Error(`seeding ${p.app.name}: the sync of ${p.current.revision.slice(0, 7)} ended ${phase}`);
    }),
  );
  deps.settle();
  await finishRollouts(deps);
  await seedParent(deps);
}

/** The app-of-apps parent, created a month ago and synced at the config repo's head: its sync stamps the children. */
async function seedParent(deps: SeedDeps): Promise<void> {
  const head = deps.shas[deps.shas.length - 1] ?? '';
  deps.apps.create({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: PARENT_APP.name,
      namespace: 'argocd',
      uid: randomUUID(),
      resourceVersion: '0',
      generation: 1,
      creationTimestamp: argoTime(deps.createdAt),
      labels: { 'app.kubernetes.io/part-of': 'bookstore-platform' },
      finalizers: [...APP_FINALIZERS],
    },
    spec: parentSpec(deps.repoURL),
    status: { sync: { status: 'Unknown' }, health: { status: 'Missing' }, history: [], summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  });
  const phase = await deps.controller.syncNow(PARENT_APP.name, { sync: { revision: head, prune: true }, initiatedBy: { automated: true } });
  if (phase !== 'Succeeded') throw new Error(`seeding ${PARENT_APP.name}: the sync of ${head.slice(0, 7)} ended ${phase}`);
}
