import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Application, ApplicationSpec } from './application.ts';
import { createAppStore } from './app-store.ts';
import type { ApplicationSet } from './appset.ts';
import { reconcileAppSet } from './appset-controller.ts';

const NOW = new Date('2026-05-20T14:00:00Z');
const spec = (region: string): ApplicationSpec => ({
  project: 'bookstore',
  source: { repoURL: 'file:///repo.git', path: `apps/catalog/${region}`, targetRevision: 'main' },
  destination: { name: region, namespace: 'ns' },
  syncPolicy: { automated: { prune: true, selfHeal: true } },
});

function appSet(over: Partial<ApplicationSet['spec']> = {}, regions = ['us-east']): ApplicationSet {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'set', namespace: 'argocd', uid: 'set-uid', creationTimestamp: '' },
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: regions.map((region) => ({ region })) } }],
      template: { metadata: { name: 'catalog-{{.region}}', labels: { region: '{{.region}}' } }, spec: { ...spec('{{.region}}') } },
      ...over,
    },
  };
}

/** A store holding what the set generated, then `mutate`d as someone would by hand. */
function seeded(set: ApplicationSet, mutate: (a: Application) => void) {
  const store = createAppStore();
  reconcileAppSet(store, set, NOW);
  store.update('catalog-us-east', mutate);
  return store;
}

test('creates what the generators produce, rendered from the template and owned by the set', () => {
  const store = createAppStore();
  assert.deepEqual(reconcileAppSet(store, appSet({}, ['us-east', 'eu-west']), NOW), ['created catalog-us-east', 'created catalog-eu-west']);
  const a = store.get('catalog-eu-west');
  assert.equal(a?.spec.source.path, 'apps/catalog/eu-west');
  assert.deepEqual(a?.metadata.labels, { region: 'eu-west' });
  assert.deepEqual(a?.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['ApplicationSet', 'set', true]]);
});

test('upstream defaults put the whole app back: spec, labels, annotations; the default preserved annotation stays', () => {
  const set = appSet();
  const store = seeded(set, (a) => {
    a.spec.syncPolicy = { automated: { prune: true, selfHeal: true, enabled: false } };
    a.spec.source.targetRevision = 'abc123';
    a.metadata.labels = { region: 'us-east', team: 'x' };
    a.metadata.annotations = { hold: 'run', 'notified.notifications.argoproj.io': '{}' };
  });
  assert.deepEqual(reconcileAppSet(store, set, NOW), ['updated catalog-us-east']);
  const a = store.get('catalog-us-east')!;
  assert.deepEqual(a.spec.syncPolicy, { automated: { prune: true, selfHeal: true } });
  assert.equal(a.spec.source.targetRevision, 'main');
  assert.deepEqual(a.metadata.labels, { region: 'us-east' });
  assert.deepEqual(a.metadata.annotations, { 'notified.notifications.argoproj.io': '{}' });
  assert.deepEqual(reconcileAppSet(store, set, NOW), [], 'nothing left to change');
});

test('ignoreApplicationDifferences keeps the live value at each pointer, for every app or the one named', () => {
  const set = appSet({ ignoreApplicationDifferences: [{ jsonPointers: ['/spec/source/targetRevision'] }, { name: 'other', jsonPointers: ['/spec/syncPolicy'] }] });
  const store = seeded(set, (a) => {
    a.spec.source.targetRevision = 'abc123';
    a.spec.syncPolicy = {};
  });
  reconcileAppSet(store, set, NOW);
  const a = store.get('catalog-us-east')!;
  assert.equal(a.spec.source.targetRevision, 'abc123');
  assert.deepEqual(a.spec.syncPolicy, { automated: { prune: true, selfHeal: true } }, 'the rule naming another app does not apply');
});

test('preservedFields keep the annotations and labels they name; the rest of the metadata is the template\'s', () => {
  const set = appSet({ preservedFields: { annotations: ['hold'], labels: ['team'] } });
  const store = seeded(set, (a) => {
    a.metadata.labels = { region: 'us-east', team: 'x', other: 'y' };
    a.metadata.annotations = { hold: 'run', note: 'n' };
  });
  reconcileAppSet(store, set, NOW);
  const a = store.get('catalog-us-east')!;
  assert.deepEqual(a.metadata.labels, { region: 'us-east', team: 'x' });
  assert.deepEqual(a.metadata.annotations, { hold: 'run' });
});

test('applicationsSync: create-only and create-delete never update; create-update and create-only never delete', () => {
  for (const policy of ['create-only', 'create-delete'] as const) {
    const set = appSet({ syncPolicy: { applicationsSync: policy } });
    const store = seeded(set, (a) => (a.spec.source.targetRevision = 'abc123'));
    reconcileAppSet(store, set, NOW);
    assert.equal(store.get('catalog-us-east')?.spec.source.targetRevision, 'abc123', policy);
  }
  for (const [policy, kept] of [['create-only', true], ['create-update', true], ['create-delete', false], ['sync', false]] as const) {
    const store = createAppStore();
    reconcileAppSet(store, appSet(), NOW);
    reconcileAppSet(store, appSet({ syncPolicy: { applicationsSync: policy } }, []), NOW);
    assert.equal(store.get('catalog-us-east') !== undefined, kept, policy);
  }
});

test('an app another controller owns, or none, is never deleted by the set', () => {
  const store = createAppStore();
  reconcileAppSet(store, appSet(), NOW);
  store.update('catalog-us-east', (a) => delete a.metadata.ownerReferences);
  reconcileAppSet(store, appSet({}, []), NOW);
  assert.ok(store.get('catalog-us-east'));
});
