import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '../../core/errors.ts';
import { createTestRepo } from './git-test-repo.ts';
import { createGitPodTemplateSource, override } from './pod-template.ts';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const repo = createTestRepo();
after(() => repo.remove());

const base = `apiVersion: apps/v1
kind: Deployment
metadata: { name: orders }
spec:
  template:
    spec:
      initContainers:
        - { name: wait-for-db, image: "ghcr.io/acme/wait-for-db@${D('1')}" }
      containers:
        - { name: orders, image: ghcr.io/acme/orders }
        - { name: log-shipper, image: "ghcr.io/acme/log-shipper@${D('5')}" }
---
apiVersion: v1
kind: Service
metadata: { name: orders }
`;

test('the Pod template at a revision: base, patches, then images: overrides, innermost first', async () => {
  const first = repo.commit('first', {
    'apps/orders/base/deployment.yaml': base,
    'apps/orders/base/kustomization.yaml': 'resources: [deployment.yaml]\nimages: [{ name: ghcr.io/acme/orders, newTag: "1.0.0" }]\n',
    'apps/orders/eu-west/kustomization.yaml': 'resources: [../base]\npatches: [{ path: patch.yaml }]\nimages: [{ name: ghcr.io/acme/orders, newTag: "2.8.0" }]\n',
    'apps/orders/eu-west/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: orders }\nspec: { template: { spec: { containers: [{ name: log-shipper, image: "ghcr.io/acme/log-shipper:0.9.5" }] } } }\n',
  });
  const second = repo.commit('pin by digest', {
    'apps/orders/eu-west/kustomization.yaml': `resources: [../base]\nimages: [{ name: ghcr.io/acme/orders, digest: "${D('a')}" }]\n`,
  });
  const t = createGitPodTemplateSource({ path: repo.dir, appPath: 'apps/orders/eu-west', workload: { kind: 'Deployment', name: 'orders' } });
  assert.deepEqual((await t.podTemplate(first)).containers, [
    { name: 'orders', image: 'ghcr.io/acme/orders:2.8.0', init: false },
    { name: 'log-shipper', image: 'ghcr.io/acme/log-shipper:0.9.5', init: false },
    { name: 'wait-for-db', image: `ghcr.io/acme/wait-for-db@${D('1')}`, init: true },
  ]);
  const later = await t.podTemplate(second);
  assert.equal(later.containers[0]?.image, `ghcr.io/acme/orders@${D('a')}`);
  assert.equal(later.containers[1]?.image, `ghcr.io/acme/log-shipper@${D('5')}`, 'the sidecar as the base has it');
  assert.match(later.source, /^git show [0-9a-f]{7}:apps\/orders\/eu-west/);
  const other = createGitPodTemplateSource({ path: repo.dir, appPath: 'apps/orders/eu-west', workload: { kind: 'Deployment', name: 'payments' } });
  await assert.rejects(other.podTemplate(second), NotFoundError);
});

test('kustomize image overrides match the name without tag or digest', () => {
  assert.equal(override('ghcr.io/acme/orders:1.0', { name: 'ghcr.io/acme/orders', newTag: '2.0' }), 'ghcr.io/acme/orders:2.0');
  assert.equal(override('ghcr.io/acme/orders:1.0', { name: 'ghcr.io/acme/orders', digest: D('b') }), `ghcr.io/acme/orders@${D('b')}`);
  assert.equal(override('ghcr.io/acme/orders-api:1.0', { name: 'ghcr.io/acme/orders', newTag: '2.0' }), 'ghcr.io/acme/orders-api:1.0');
  assert.equal(override('orders', { name: 'orders', newName: 'ghcr.io/acme/orders' }), 'ghcr.io/acme/orders');
});

test('a folder that changes images in ways the renderer does not read is refused, never guessed', async () => {
  const inline = repo.commit('inline patch', {
    'apps/orders/us-east/kustomization.yaml': 'resources: [../base]\npatches:\n  - patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: ghcr.io/acme/orders:9.9.9\n    target: { kind: Deployment, name: orders }\n',
  });
  const t = createGitPodTemplateSource({ path: repo.dir, appPath: 'apps/orders/us-east', workload: { kind: 'Deployment', name: 'orders' } });
  await assert.rejects(t.podTemplate(inline), (e: unknown) => e instanceof NotFoundError && /uses inline patches, which rewind's renderer does not read/.test(e.message));
  const json6902 = repo.commit('json6902', { 'apps/orders/us-east/kustomization.yaml': 'resources: [../base]\npatchesJson6902: [{ path: p.yaml, target: { kind: Deployment, name: orders } }]\n' });
  await assert.rejects(t.podTemplate(json6902), /uses patchesJson6902/);
});
