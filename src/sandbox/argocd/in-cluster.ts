/**
 * The cluster Argo CD runs in (`destination.name: in-cluster`): the `argoproj.io/v1alpha1`
 * Applications of the `argocd` namespace, served out of the app store with the Kubernetes API's
 * status codes, patches and resourceVersion conflicts. Two doors use the same handler: the
 * in-process client an app-of-apps parent's sync applies its children through, and the kube
 * HTTPS API (`kube.serveExternal`), where kubectl and rewind read and patch the CRs while Argo
 * CD's API server is down. A write through either is an app store write: the application
 * controller reacts to it exactly as to an edit through Argo CD's API (in a real install the
 * store is etcd behind that API server, and the controller watches the CRs, not argocd-server:
 * argo-cd `controller/appcontroller.go` newApplicationInformerAndLister).
 *
 * What Kubernetes does and Argo CD's API does not: no validation beyond the object's shape (the
 * CRD's schema; upstream `server/application/application.go` validates and normalizes on every
 * update, the apiserver does not), a stale `metadata.resourceVersion` in the body is a 409, and a
 * PATCH may write any field, `status` and `operation` included (the CRD has no status subresource).
 */
import { randomUUID } from 'node:crypto';
import type { Application } from './application.ts';
import type { AppStore } from './app-store.ts';
import type { KubeClient, KubeResponse } from '../gitops/kube-client.ts';
import { argoTime } from './sync-operation.ts';
import type { ExternalHandler, ExternalRequest } from '../kube/external.ts';
import { applyJsonPatch, applyMergePatch } from '../kube/patch.ts';
import { badRequest, KubeStatusError, methodNotAllowed } from '../kube/status-error.ts';

export const IN_CLUSTER = 'in-cluster';
/** Where Argo CD's Applications live in the cluster it runs in. */
export const ARGOCD_NAMESPACE = 'argocd';
const PREFIX = `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`;
const API_VERSION = 'argoproj.io/v1alpha1';

const details = (name: string) => ({ name, group: 'argoproj.io', kind: 'applications' });
const notFound = (name: string) => new KubeStatusError(404, 'NotFound', `applications.argoproj.io "${name}" not found`, details(name));
const conflict = (name: string) =>
  new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on applications.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`, details(name));

/** As the apiserver serves a CR: `apiVersion`, `kind` and the namespace always present. */
function served(app: Application): Application {
  return { ...app, apiVersion: API_VERSION, kind: 'Application', metadata: { ...app.metadata, namespace: ARGOCD_NAMESPACE } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The REST verbs on `applications.argoproj.io`, throwing `KubeStatusError` as the apiserver answers. */
export function applicationsApi(store: AppStore, now: () => Date): ExternalHandler {
  const get = (name: string): Application => {
    const app = store.get(name);
    if (!app) throw notFound(name);
    return app;
  };
  /** A whole-object write (PUT, or a PATCH's result): what a CR without a status subresource lets a client change. */
  const write = (name: string, sent: unknown, patched: boolean): Application => {
    const live = get(name);
    if (!isObject(sent) || !isObject(sent['metadata']) || !isObject(sent['spec'])) throw badRequest('Application in version "v1alpha1" cannot be handled as a Application: spec and metadata must be objects');
    const next = sent as unknown as Application;
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) throw conflict(name);
    if (next.metadata.name !== undefined && next.metadata.name !== name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    return store.update(name, (a) => {
      a.spec = next.spec;
      for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
        if (next.metadata[k] === undefined) delete a.metadata[k];
        else (a.metadata as Record<string, unknown>)[k] = next.metadata[k];
      }
      // A PATCH's result is the whole object (a removed operation is gone); a PUT from the apply path
      // carries only the manifest, and the controller's operation and status stay.
      if (next.operation) a.operation = next.operation;
      else if (patched) delete a.operation;
      if (isObject(next.status)) a.status = next.status;
    });
  };
  return (req: ExternalRequest) => {
    const { method, name } = req;
    // Another namespace holds no Applications (the sandbox's Argo CD watches only its own).
    const here = req.namespace === undefined || req.namespace === ARGOCD_NAMESPACE;
    if (method === 'GET' && !name) {
      const items = here ? store.list().map(served) : [];
      return { status: 200, body: { apiVersion: API_VERSION, kind: 'ApplicationList', metadata: { resourceVersion: String(Math.max(0, ...items.map((a) => Number(a.metadata.resourceVersion)))) }, items } };
    }
    if (!name || !here) {
      if (method === 'POST' && !name && here) return create(store, now, req.body);
      if (name) throw notFound(name);
      throw methodNotAllowed(method);
    }
    switch (method) {
      case 'GET':
        return { status: 200, body: served(get(name)) };
      case 'PUT':
        return { status: 200, body: served(write(name, req.body, false)) };
      case 'PATCH': {
        const live = served(get(name));
        if (req.contentType === 'application/merge-patch+json') return { status: 200, body: served(write(name, applyMergePatch(live, req.body), true)) };
        if (req.contentType === 'application/json-patch+json') return { status: 200, body: served(write(name, applyJsonPatch(live, req.body), true)) };
        // NOTE: the apiserver has no strategic merge for custom resources (no Go struct to read patch strategies from).
        throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      }
      default:
        throw methodNotAllowed(method);
    }
  };
}

function create(store: AppStore, now: () => Date, body: unknown): { status: number; body: unknown } {
  const sent = body as Application | undefined;
  const name = sent?.metadata?.name;
  if (!sent || !name) throw badRequest('metadata.name: Required value');
  if (store.get(name)) throw new KubeStatusError(409, 'AlreadyExists', `applications.argoproj.io "${name}" already exists`, details(name));
  const created = store.create({
    ...sent,
    metadata: { ...sent.metadata, namespace: ARGOCD_NAMESPACE, uid: randomUUID(), resourceVersion: '0', generation: 1, creationTimestamp: argoTime(now()) },
    status: sent.status ?? { sync: { status: 'Unknown' }, health: { status: 'Missing' }, summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  });
  return { status: 201, body: served(created) };
}

/** The in-process client an app-of-apps parent's sync applies its children through. */
export function inClusterClient(store: AppStore, now: () => Date): KubeClient {
  const api = applicationsApi(store, now);
  const handle = (method: string, path: string, body: unknown, contentType: string): KubeResponse<unknown> => {
    const pathname = path.split('?')[0] ?? '';
    const toStatus = (e: KubeStatusError): KubeResponse<unknown> => ({ status: e.code, body: e.toStatus() });
    if (!pathname.startsWith(PREFIX)) return toStatus(new KubeStatusError(404, 'NotFound', `the server could not find the requested resource (${method} ${path})`));
    const name = decodeURIComponent(pathname.slice(PREFIX.length).replace(/^\//, '')) || undefined;
    try {
      return api({ method, namespace: ARGOCD_NAMESPACE, name, contentType: method === 'PATCH' ? contentType : '', body });
    } catch (e) {
      if (e instanceof KubeStatusError) return toStatus(e);
      throw e;
    }
  };
  return {
    baseUrl: `sandbox://${IN_CLUSTER}`,
    request: <T>(method: string, path: string, body?: unknown, contentType = 'application/json') => Promise.resolve(handle(method, path, structuredClone(body), contentType) as KubeResponse<T>),
    close: () => {},
  };
}
