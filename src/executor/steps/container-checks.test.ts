import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkloadState } from '../../core/domain.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { ImageRegistry, TemplateSource } from '../../core/ports.ts';
import { expectedDigests, expectedTemplate } from './container-checks.ts';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const live = {
  images: [
    { container: 'catalog', image: `ghcr.io/acme/catalog@${D('b')}` },
    { container: 'log-shipper', image: `ghcr.io/acme/log-shipper@${D('5')}` },
    { container: 'wait', image: 'ghcr.io/acme/wait:1', init: true },
  ],
} as unknown as WorkloadState;

test('the template comes from the config repo when there is one, else the plan\'s images over the live template', async () => {
  const templates: TemplateSource = { podTemplate: (rev) => Promise.resolve({ containers: [{ name: 'catalog', image: `x@${rev}`, init: false }], source: 'git' }) };
  assert.deepEqual(await expectedTemplate({ templates, allowUnresolvedTags: false }, D('a'), [], live), { containers: [{ name: 'catalog', image: `x@${D('a')}`, init: false }], source: 'git' });
  const fallback = await expectedTemplate(undefined, D('a'), [`ghcr.io/acme/catalog@${D('a')}`], live);
  assert.deepEqual(fallback?.containers, [
    { name: 'catalog', image: `ghcr.io/acme/catalog@${D('a')}`, init: false },
    { name: 'log-shipper', image: `ghcr.io/acme/log-shipper@${D('5')}`, init: false },
    { name: 'wait', image: 'ghcr.io/acme/wait:1', init: true },
  ]);
  assert.equal(await expectedTemplate(undefined, D('a'), [], live), undefined, 'nothing known: no template, never a guess');
});

test('digests: pinned as written, tags through the registry, and an unanswerable tag is unresolved with the reason', async () => {
  const registry: ImageRegistry = {
    resolveDigest: (image) => (image.endsWith(':1') ? Promise.resolve({ digest: D('c'), source: 'registry HEAD …/wait/manifests/1' }) : Promise.reject(new NotFoundError(`${image}: no such tag`))),
  };
  const containers = [
    { name: 'a', image: `ghcr.io/acme/catalog@${D('a')}`, init: false },
    { name: 'b', image: 'ghcr.io/acme/wait:1', init: true },
    { name: 'c', image: 'ghcr.io/acme/gone:2', init: false },
  ];
  const d = await expectedDigests({ registry, allowUnresolvedTags: false }, containers);
  assert.deepEqual(d.get(`ghcr.io/acme/catalog@${D('a')}`), { kind: 'pinned', digest: D('a') });
  assert.deepEqual(d.get('ghcr.io/acme/wait:1'), { kind: 'resolved', digest: D('c'), source: 'registry HEAD …/wait/manifests/1' });
  assert.deepEqual(d.get('ghcr.io/acme/gone:2'), { kind: 'unresolved', reason: 'ghcr.io/acme/gone:2: no such tag' });
  const none = await expectedDigests(undefined, containers);
  assert.match((none.get('ghcr.io/acme/wait:1') as { reason: string }).reason, /no registry configured/);
});
