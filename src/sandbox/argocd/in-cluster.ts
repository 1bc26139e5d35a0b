/**
 * The cluster Argo CD runs in (`destination.name: in-cluster`), for an app-of-apps parent: it
 * serves the `argoproj.io/v1alpha1` Applications of the `argocd` namespace out of the app store,
 * with the Kubernetes API's status codes and resourceVersion conflicts, so a parent's sync
 * applies its children through the same apply path as any other object. (In a real install the
 * store is etcd behind that API server; the sandbox's kube API does not serve Argo CD's CRDs.)
 */
import { randomUUID } from 'node:crypto';
import type { Application } from './application.ts';
import type { AppStore } from './app-store.ts';
import type { KubeClient, KubeResponse } from '../gitops/kube-client.ts';
import { argoTime } from './sync-operation.ts';

export const IN_CLUSTER = 'in-cluster';
const PREFIX = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';

function status(code: number, reason: string, message: string): KubeResponse<Record<string, unknown>> {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

const notFound = (name: string) => status(404, 'NotFound', `applications.argoproj.io "${name}" not found`);

export function inClusterClient(store: AppStore, now: () => Date): KubeClient {
  const handle = (method: string, path: string, body: unknown): KubeResponse<unknown> => {
    if (!path.startsWith(PREFIX)) return status(404, 'NotFound', `the server could not find the requested resource (${method} ${path})`);
    const name = decodeURIComponent(path.slice(PREFIX.length).replace(/^\//, '').split('?')[0] ?? '');
    const sent = body as Application | undefined;
    if (method === 'GET' && name) {
      const app = store.get(name);
      return app ? { status: 200, body: app } : notFound(name);
    }
    if (method === 'POST' && !name && sent?.metadata?.name) {
      if (store.get(sent.metadata.name)) return status(409, 'AlreadyExists', `applications.argoproj.io "${sent.metadata.name}" already exists`);
      const created = store.create({
        ...sent,
        metadata: { ...sent.metadata, namespace: 'argocd', uid: randomUUID(), resourceVersion: '0', generation: 1, creationTimestamp: argoTime(now()) },
        status: sent.status ?? { sync: { status: 'Unknown' }, health: { status: 'Missing' }, summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
      });
      return { status: 201, body: created };
    }
    if (method === 'PUT' && name && sent) {
      const live = store.get(name);
      if (!live) return notFound(name);
      if (sent.metadata?.resourceVersion && sent.metadata.resourceVersion !== live.metadata.resourceVersion) {
        return status(409, 'Conflict', `Operation cannot be fulfilled on applications.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      const updated = store.update(name, (a) => {
        a.spec = sent.spec;
        for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
          if (sent.metadata[k] === undefined) delete a.metadata[k];
          else (a.metadata as Record<string, unknown>)[k] = sent.metadata[k];
        }
        if (sent.operation) a.operation = sent.operation;
      });
      return { status: 200, body: updated };
    }
    return status(405, 'MethodNotAllowed', `${method} is not supported on ${path}`);
  };
  return {
    baseUrl: `sandbox://${IN_CLUSTER}`,
    request: <T>(method: string, path: string, body?: unknown) => Promise.resolve(handle(method, path, structuredClone(body)) as KubeResponse<T>),
    close: () => {},
  };
}
