import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGitChangeDiagnoser } from './change-diagnoser.ts';
import { classifyFile } from './change-classifier.ts';
import { createTestRepo } from './git-test-repo.ts';

const r = createTestRepo();
after(() => r.remove());

const overlay = (image: string) => `resources:\n  - ../base\n  - configmap.yaml\nimages:\n  - name: ghcr.io/acme/catalog\n${image}`;
const deployment = (extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalog\nspec:\n  template:\n    spec:\n      containers:\n        - name: catalog\n          image: ghcr.io/acme/catalog\n${extra}`;

const v1 = r.commit('catalog and orders', {
  'apps/catalog/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'apps/catalog/base/deployment.yaml': deployment(),
  'apps/catalog/us-east/kustomization.yaml': overlay('    digest: sha256:aaa\n'),
  'apps/catalog/us-east/configmap.yaml': 'kind: ConfigMap\nmetadata:\n  name: catalog\ndata:\n  FLAG: "off"\n',
  'apps/orders/us-east/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/orders\n    newTag: v1\n',
});
const digestBump = r.commit('catalog: new digest; orders: new tag', {
  'apps/catalog/us-east/kustomization.yaml': overlay('    digest: sha256:bbb\n'),
  'apps/orders/us-east/kustomization.yaml': 'images:\n  - name: ghcr.io/acme/orders\n    newTag: v2\n',
});
const tagBump = r.commit('catalog: tag', { 'apps/catalog/us-east/kustomization.yaml': overlay('    newTag: v2.0.0\n') });
const configOnly = r.commit('catalog: flag on', { 'apps/catalog/us-east/configmap.yaml': 'kind: ConfigMap\nmetadata:\n  name: catalog\ndata:\n  FLAG: "on"\n' });
const envOnly = r.commit('catalog: env', { 'apps/catalog/base/deployment.yaml': deployment('          env:\n            - name: MODE\n              value: fast\n') });
const patch = r.commit('catalog: replicas', { 'apps/catalog/base/deployment.yaml': deployment().replace('spec:\n  template', 'spec:\n  replicas: 4\n  template') });
const migration = r.commit('catalog: drop sku', {
  'apps/catalog/migrations/0042_drop_sku.up.sql': 'ALTER TABLE items DROP COLUMN sku;\n',
  'apps/catalog/migrations/0042_drop_sku.down.sql': 'ALTER TABLE items ADD COLUMN sku text;\n',
});
const additive = r.commit('catalog: add note', { 'apps/catalog/migrations/0043_note.up.sql': 'ALTER TABLE items ADD COLUMN note text;\n' });
const nested = r.commit('catalog: archived migration', { 'apps/catalog/migrations/old/0001_init.sql': 'CREATE TABLE items (id int);\n' });

const analyzer = createGitChangeDiagnoser({ path: r.dir, appPath: 'apps/catalog/us-east', migrationsGlob: 'apps/catalog/migrations/*.sql' });

test('a kustomization digest bump is image-digest, and a neighbour app in the same commit is left out', async () => {
  const d = await analyzer.diagnose(v1, digestBump);
  assert.deepEqual(d.kinds, ['image-digest']);
  assert.deepEqual(d.files, ['apps/catalog/us-east/kustomization.yaml']);
  assert.deepEqual(d.images, [{ name: 'ghcr.io/acme/catalog', from: 'ghcr.io/acme/catalog@sha256:aaa', to: 'ghcr.io/acme/catalog@sha256:bbb' }]);
  assert.deepEqual(d.commits.map((c) => c.subject), ['catalog: new digest; orders: new tag']);
});

test('a tag bump is image-tag; a ConfigMap or env-only edit is config-only; another edit of the base is a kustomize-patch', async () => {
  const tag = await analyzer.diagnose(digestBump, tagBump);
  assert.deepEqual(tag.kinds, ['image-digest'], 'a digest replaced by a tag moves the digest');
  assert.equal(tag.images[0]?.to, 'ghcr.io/acme/catalog:v2.0.0');
  assert.deepEqual((await analyzer.diagnose(tagBump, configOnly)).kinds, ['config-only']);
  assert.deepEqual((await analyzer.diagnose(configOnly, envOnly)).kinds, ['config-only'], 'the base is reached through ../base');
  assert.deepEqual((await analyzer.diagnose(envOnly, patch)).kinds, ['kustomize-patch']);
  const window = await analyzer.diagnose(v1, patch);
  assert.deepEqual(window.kinds, ['image-digest', 'kustomize-patch', 'config-only']);
  assert.equal(window.commits[0]?.revision, patch, 'newest first');
});

test('a window that ships migrations is classified as migration', async () => {
  assert.deepEqual((await analyzer.diagnose(migration, additive)).kinds, ['migration']);
});

test('classifyFile: helm values, CRDs, and a tag-only kustomize change', () => {
  const isMigration = () => false;
  assert.deepEqual(classifyFile({ path: 'charts/catalog/values-prod.yaml', before: 'image:\n  tag: v1\n', after: 'image:\n  tag: v2\n' }, { isMigration }), {
    kinds: ['helm-values', 'image-tag'],
    images: [{ name: 'image', from: ':v1', to: ':v2', kind: 'image-tag' }],
  });
  assert.deepEqual(classifyFile({ path: 'charts/catalog/crds/widgets.yaml', before: undefined, after: 'x: 1' }, { isMigration }).kinds, ['crd']);
  assert.deepEqual(
    classifyFile({ path: 'apps/x/widgets.yaml', before: undefined, after: 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n' }, { isMigration }).kinds,
    ['crd'],
  );
  const k = (tag: string) => `images:\n  - name: app\n    newTag: ${tag}\n`;
  assert.deepEqual(classifyFile({ path: 'a/kustomization.yaml', before: k('v1'), after: k('v2') }, { isMigration }).kinds, ['image-tag']);
});

test("the glob is git's pathspec glob, as in Step 0: `*` stays in its folder, `**` crosses folders", async () => {
  assert.deepEqual((await analyzer.diagnose(additive, nested)).files, [], '`migrations/*.sql` does not reach migrations/old/');
  const anyDepth = await createGitChangeDiagnoser({ path: r.dir }).diagnose(additive, nested);
  assert.deepEqual(anyDepth.kinds, ['migration'], 'the default `**/migrations/**/*.sql`');
});
