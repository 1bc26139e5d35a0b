import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxClock } from '../clock.ts';
import { collectGarbage } from './garbage-collector.ts';
import { ClusterRegistry } from './registry.ts';
import { DEPLOYMENTS, PODS, REPLICASETS } from './resources.ts';

const NS = 'default';
const owned = (kind: string, owner: { metadata: { name: string; uid: string } }) => [{ apiVersion: 'apps/v1', kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }];

test('a deleted owner takes its dependents and theirs; an orphan written after quiet passes is collected at the next', () => {
  const registry = new ClusterRegistry('us-east', createSandboxClock({ speed: 1 }));
  const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } };
  const d = registry.create(DEPLOYMENTS, NS, { metadata: { name: 'a' }, spec: { replicas: 1, selector: { matchLabels: { app: 'a' } }, template } }) as { metadata: { name: string; uid: string } };
  const rs = registry.create(REPLICASETS, NS, { metadata: { name: 'a-1', ownerReferences: owned('Deployment', d) }, spec: { replicas: 1, selector: { matchLabels: { app: 'a' } }, template } }) as { metadata: { name: string; uid: string } };
  registry.create(PODS, NS, { metadata: { name: 'a-1-x', labels: { app: 'a' }, ownerReferences: owned('ReplicaSet', rs) }, spec: template.spec });
  for (let i = 0; i < 3; i++) collectGarbage(registry);
  assert.deepEqual([registry.store.list(REPLICASETS, NS).length, registry.store.list(PODS, NS).length], [1, 1], 'owners alive: nothing goes');

  registry.delete(DEPLOYMENTS, NS, 'a');
  for (let i = 0; i < 3; i++) collectGarbage(registry);
  assert.deepEqual([registry.store.list(REPLICASETS, NS).length, registry.store.list(PODS, NS).length], [0, 0]);

  registry.create(PODS, NS, { metadata: { name: 'orphan', ownerReferences: owned('ReplicaSet', rs) }, spec: template.spec });
  collectGarbage(registry);
  assert.equal(registry.store.list(PODS, NS).length, 0);
});
