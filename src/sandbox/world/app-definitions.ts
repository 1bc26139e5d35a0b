/**
 * How the Bookstore's Applications are defined, and by whom (see OWNERS in `bookstore.ts`):
 * the spec every app shares, the three ApplicationSets that generate some of them, and the
 * app-of-apps parent whose folder in the config repo renders its child Application.
 */
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { DEFAULT_HISTORY_LIMIT, type ApplicationSpec } from '../argocd/application.ts';
import type { ApplicationSet } from '../argocd/appset.ts';
import { IN_CLUSTER } from '../argocd/in-cluster.ts';
import { argoTime } from '../argocd/sync-operation.ts';
import { NAMESPACE, PARENT_APP, WORLD_APPS, type WorldApp } from './bookstore.ts';

export const APP_FINALIZERS = ['resources-finalizer.argocd.argoproj.io'];

export function appLabels(app: Pick<WorldApp, 'service' | 'region'>): Record<string, string> {
  return { 'app.kubernetes.io/part-of': 'bookstore-platform', 'bookstore.acme/service': app.service, 'bookstore.acme/region': app.region };
}

export function appSpec(app: Pick<WorldApp, 'path' | 'region'>, repoURL: string, historyLimit = DEFAULT_HISTORY_LIMIT): ApplicationSpec {
  return {
    project: 'bookstore',
    source: { repoURL, path: app.path, targetRevision: 'main' },
    destination: { name: app.region, namespace: NAMESPACE },
    syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true }, syncOptions: ['CreateNamespace=true'] },
    revisionHistoryLimit: historyLimit,
  };
}

/** What each ApplicationSet ignores of its apps (upstream's default: nothing). */
const IGNORES: Readonly<Record<string, ApplicationSet['spec']['ignoreApplicationDifferences']>> = {
  'bookstore-sync-exempt': [{ jsonPointers: ['/spec/syncPolicy'] }],
  // As teams that allow emergency pins configure it: the set leaves a pinned revision alone.
  'bookstore-pinnable': [{ jsonPointers: ['/spec/source/targetRevision'] }],
};

/**
 * What each ApplicationSet keeps of its apps' metadata (upstream's default: nothing but its own
 * defaults). The team that allows emergency pins also keeps rewind's hold, which the set would
 * otherwise wipe like any annotation its template lacks.
 */
const PRESERVED: Readonly<Record<string, ApplicationSet['spec']['preservedFields']>> = {
  'bookstore-pinnable': { annotations: ['rewind.io/hold'] },
};

/** The world's ApplicationSets: list generators over the apps they own, one Go template each. */
export function appSetDefinitions(repoURL: string, createdAt: Date): ApplicationSet[] {
  const names = [...new Set(WORLD_APPS.flatMap((a) => (a.owner?.kind === 'ApplicationSet' ? [a.owner.name] : [])))];
  return names.map((name): ApplicationSet => {
    const ignore = IGNORES[name];
    const preserved = PRESERVED[name];
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: 'argocd', uid: randomUUID(), creationTimestamp: argoTime(createdAt) },
      spec: {
        goTemplate: true,
        generators: [{ list: { elements: WORLD_APPS.filter((a) => a.owner?.name === name).map((a) => ({ service: a.service, region: a.region })) } }],
        template: {
          metadata: { name: 'bookstore-{{.service}}-{{.region}}', labels: appLabels({ service: '{{.service}}' as WorldApp['service'], region: '{{.region}}' as WorldApp['region'] }), finalizers: APP_FINALIZERS },
          spec: appSpec({ path: 'apps/{{.service}}/{{.region}}', region: '{{.region}}' as WorldApp['region'] }, repoURL),
        },
        ...(ignore ? { ignoreApplicationDifferences: ignore } : {}),
        ...(preserved ? { preservedFields: preserved } : {}),
      },
    };
  });
}

/** The parent's own spec: the `argocd/apps` folder of the config repo, applied to the cluster Argo CD runs in. */
export function parentSpec(repoURL: string): ApplicationSpec {
  return {
    project: 'default',
    source: { repoURL, path: PARENT_APP.path, targetRevision: 'main' },
    destination: { name: IN_CLUSTER, namespace: 'argocd' },
    syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true } },
    revisionHistoryLimit: DEFAULT_HISTORY_LIMIT,
  };
}

/** The parent's folder: one Application manifest per child, as an app-of-apps repo holds them. */
export function parentFiles(repoURL: string): Record<string, string> {
  const children = WORLD_APPS.filter((a) => a.owner?.kind === 'Application' && a.owner.name === PARENT_APP.name);
  const files: Record<string, string> = {
    [`${PARENT_APP.path}/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: children.map((c) => `${c.name}.yaml`),
    }),
  };
  for (const c of children) {
    files[`${PARENT_APP.path}/${c.name}.yaml`] = stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: c.name, namespace: 'argocd', labels: appLabels(c), finalizers: APP_FINALIZERS },
      spec: appSpec(c, repoURL),
    });
  }
  return files;
}
