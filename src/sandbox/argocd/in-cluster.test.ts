import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Application } from './application.ts';
import { createAppStore } from './app-store.ts';
import { applicationsApi } from './in-cluster.ts';
import { KubeStatusError } from '../kube/status-error.ts';

const NOW = () => new Date('2026-05-20T14:00:00Z');
function seeded() {
  const store = createAppStore();
  store.create({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'catalog', namespace: 'argocd', uid: 'u1', resourceVersion: '0', generation: 1, creationTimestamp: '2026-05-01T00:00:00Z' },
    spec: { project: 'default', source: { repoURL: 'file:///repo', path: 'apps/catalog', targetRevision: 'main' }, destination: { name: 'us-east', namespace: 'shop' }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
    status: { sync: { status: 'Synced', revision: 'abc' }, health: { status: 'Healthy' }, summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  });
  return { store, api: applicationsApi(store, NOW) };
}
const failsWith = (fn: () => unknown, code: number, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof KubeStatusError && e.code === code && message.test(e.message));

describe('Argo CD\'s Applications through the Kubernetes API (the CR channel)', () => {
  it('a merge patch turns self-heal off in the store the controller watches, and tells it', async () => {
    const { store, api } = seeded();
    const seen: string[] = [];
    store.onChange((name, change) => seen.push(`${name}:${change.spec}`));
    const r = api({ method: 'PATCH', namespace: 'argocd', name: 'catalog', contentType: 'application/merge-patch+json', body: { spec: { syncPolicy: { automated: { selfHeal: false, enabled: false } } } } });
    assert.equal(r.status, 200);
    assert.deepEqual(store.get('catalog')?.spec.syncPolicy?.automated, { prune: true, selfHeal: false, enabled: false });
    assert.equal((r.body as Application).kind, 'Application');
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    assert.deepEqual(seen, ['catalog:true']);
  });

  it('a stale resourceVersion is a 409 Conflict, as the apiserver answers', () => {
    const { api } = seeded();
    const stale = (api({ method: 'GET', namespace: 'argocd', name: 'catalog', contentType: '', body: undefined }).body as Application).metadata.resourceVersion;
    api({ method: 'PATCH', namespace: 'argocd', name: 'catalog', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { a: 'b' } } } });
    failsWith(() => api({ method: 'PATCH', namespace: 'argocd', name: 'catalog', contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: stale, annotations: { c: 'd' } } } }), 409, /the object has been modified/);
  });

  it('a json patch whose test fails changes nothing', () => {
    const { store, api } = seeded();
    const before = store.get('catalog');
    failsWith(() => api({ method: 'PATCH', namespace: 'argocd', name: 'catalog', contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/metadata/annotations', value: {} }, { op: 'add', path: '/metadata/annotations', value: { x: 'y' } }] }), 400, /path \/metadata\/annotations does not exist/);
    assert.deepEqual(store.get('catalog'), before);
  });

  it('a strategic merge patch is refused (custom resources have none)', () => {
    failsWith(() => seeded().api({ method: 'PATCH', namespace: 'argocd', name: 'catalog', contentType: 'application/strategic-merge-patch+json', body: {} }), 415, /unknown format/);
  });

  it('another namespace has no Applications; a missing one is NotFound', () => {
    const { api } = seeded();
    assert.deepEqual((api({ method: 'GET', namespace: 'default', name: undefined, contentType: '', body: undefined }).body as { items: unknown[] }).items, []);
    failsWith(() => api({ method: 'GET', namespace: 'default', name: 'catalog', contentType: '', body: undefined }), 404, /applications\.argoproj\.io "catalog" not found/);
    failsWith(() => api({ method: 'GET', namespace: 'argocd', name: 'nope', contentType: '', body: undefined }), 404, /not found/);
    assert.equal((api({ method: 'GET', namespace: 'argocd', name: undefined, contentType: '', body: undefined }).body as { items: unknown[] }).items.length, 1);
  });
});
