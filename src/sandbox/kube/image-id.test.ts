import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseImageReference, resolveImageId } from './image-id.ts';
import { podTemplateHash, templatesEqual } from './template-hash.ts';

describe('resolveImageId', () => {
  it('keeps a digest reference as it is', () => {
    const ref = `ghcr.io/acme/catalog@sha256:${'c'.repeat(64)}`;
    assert.equal(resolveImageId(ref), ref);
  });

  it('resolves a tag to sha256 of repo:tag, deterministically', () => {
    const hex = createHash('sha256').update('registry:5000/acme/catalog:1.4').digest('hex');
    assert.equal(resolveImageId('registry:5000/acme/catalog:1.4'), `registry:5000/acme/catalog@sha256:${hex}`);
    assert.equal(resolveImageId('nginx'), resolveImageId('nginx:latest'));
  });

  it('parses a registry port apart from a tag', () => {
    assert.deepEqual(parseImageReference('registry:5000/acme/catalog'), { repository: 'registry:5000/acme/catalog', tag: undefined, digest: undefined });
  });
});

describe('pod template identity', () => {
  const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x:1', env: [] }] } };
  const b = { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' }, creationTimestamp: null }, spec: { containers: [{ image: 'x:1', name: 'x' }] } };
  it('ignores the hash label, empty fields and key order', () => {
    assert.ok(templatesEqual(a, b));
    assert.equal(podTemplateHash(a), podTemplateHash(b));
    assert.match(podTemplateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });
  it('tells different images apart', () => {
    const c = { ...a, spec: { containers: [{ name: 'x', image: 'x:2' }] } };
    assert.ok(!templatesEqual(a, c));
    assert.notEqual(podTemplateHash(a), podTemplateHash(c));
  });
});
