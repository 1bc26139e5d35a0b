import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendHistory, type Application, type RevisionHistory } from './application.ts';
import { createAppStore } from './app-store.ts';

const entry = (id: number, revision: string): RevisionHistory => ({
  id,
  revision,
  deployStartedAt: '2026-05-20T14:00:00Z',
  deployedAt: '2026-05-20T14:00:05Z',
  source: { repoURL: 'file:///repo', path: 'apps/catalog', targetRevision: 'main' },
  initiatedBy: { automated: true },
});

function app(): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'catalog', namespace: 'argocd', uid: 'u1', resourceVersion: '0', generation: 1, creationTimestamp: '2026-05-01T00:00:00Z' },
    spec: { project: 'default', source: { repoURL: 'file:///repo', path: 'apps/catalog', targetRevision: 'main' }, destination: { name: 'us-east', namespace: 'shop' } },
    // `history` between `health` and `summary`, where upstream's JSON has it.
    status: { sync: { status: 'Synced', revision: 'b' }, health: { status: 'Healthy' }, history: [entry(1, 'a'), entry(2, 'b')], summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  };
}

describe('the sandbox\'s Argo CD app store', () => {
  it('serves an app as the JSON it stored, key order included', () => {
    const store = createAppStore();
    const given = app();
    store.create(given);
    const expected = JSON.stringify({ ...given, metadata: { ...given.metadata, resourceVersion: '1001' } });
    assert.equal(JSON.stringify(store.get('catalog')), expected);
    assert.equal(JSON.stringify(store.list()[0]), expected);
  });

  it('a reader cannot change what is stored through its copy, history included', () => {
    const store = createAppStore();
    store.create(app());
    const copy = store.get('catalog')!;
    copy.status.history!.push(entry(3, 'c'));
    assert.throws(() => {
      copy.status.history![0]!.revision = 'z';
    }, TypeError);
    copy.status.health.status = 'Degraded';
    assert.deepEqual(store.get('catalog')!.status.history!.map((h) => `${h.id}:${h.revision}`), ['1:a', '2:b']);
    assert.equal(store.get('catalog')!.status.health.status, 'Healthy');
  });

  it('a sync\'s appended entry is stored as it was written; the writer\'s own objects stay its own', () => {
    const store = createAppStore();
    store.create(app());
    const source = { repoURL: 'file:///repo', path: 'apps/catalog', targetRevision: 'main' };
    const updated = store.update('catalog', (a) => {
      a.status.history = appendHistory(a.status.history ?? [], { revision: 'c', deployedAt: '2026-05-20T15:00:00Z', source, initiatedBy: { automated: true } }, 10);
    });
    source.path = 'elsewhere';
    assert.deepEqual(updated.status.history!.map((h) => `${h.id}:${h.revision}:${h.source.path}`), ['1:a:apps/catalog', '2:b:apps/catalog', '3:c:apps/catalog']);
    assert.equal(store.get('catalog')!.status.history![2]!.source.path, 'apps/catalog');
    assert.equal(updated.metadata.resourceVersion, '1002');
  });

  it('a write that changes nothing stores nothing; a changed history entry is a change', () => {
    const store = createAppStore();
    store.create(app());
    const seen: string[] = [];
    store.watch((type, a) => seen.push(`${type}:${a.metadata.resourceVersion}`));
    assert.equal(store.update('catalog', () => undefined).metadata.resourceVersion, '1001');
    const rewritten = store.update('catalog', (a) => {
      a.status.history = a.status.history!.map((h) => (h.id === 2 ? { ...h, revision: 'x' } : h));
    });
    assert.equal(rewritten.metadata.resourceVersion, '1002');
    assert.equal(rewritten.status.history![1]!.revision, 'x');
    assert.deepEqual(seen, ['MODIFIED:1002']);
  });
});
