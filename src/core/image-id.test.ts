import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseImageRef, parseImageRef, parseRuntimeImageID, sameImageRef } from './image-id.ts';

const D = `sha256:${'ab'.repeat(32)}`;

test('references normalise as Docker does: docker.io, library/, registry ports, tag and digest', () => {
  assert.equal(parseImageRef('nginx')?.repository, 'docker.io/library/nginx');
  assert.equal(normaliseImageRef('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(parseImageRef('acme/api:1')?.repository, 'docker.io/acme/api');
  const r = parseImageRef(`127.0.0.1:5000/acme/orders:2.8.0@${D}`);
  assert.deepEqual(r, { registry: '127.0.0.1:5000', path: 'acme/orders', repository: '127.0.0.1:5000/acme/orders', tag: '2.8.0', digest: D });
  assert.ok(sameImageRef('docker.io/library/nginx:latest', 'nginx'));
  assert.ok(!sameImageRef('ghcr.io/acme/orders:2.8.0', 'ghcr.io/acme/orders:2.9.0'));
  assert.equal(parseImageRef('ghcr.io/acme/x@sha256:short'), undefined, 'a malformed digest is no reference');
  assert.equal(parseImageRef(''), undefined);
});

test('imageID in every runtime format: containerd/CRI-O, docker-pullable, docker config ids, bare ids', () => {
  assert.deepEqual(parseRuntimeImageID(`ghcr.io/acme/orders@${D}`), { kind: 'digest', runtime: 'cri', repository: 'ghcr.io/acme/orders', digest: D });
  assert.deepEqual(parseRuntimeImageID(`docker-pullable://ghcr.io/acme/orders@${D}`), { kind: 'digest', runtime: 'docker-pullable', repository: 'ghcr.io/acme/orders', digest: D });
  assert.equal(parseRuntimeImageID(`docker://${D}`).kind, 'not-comparable');
  assert.equal(parseRuntimeImageID(D).kind, 'not-comparable', 'a bare id names no manifest');
  assert.deepEqual(parseRuntimeImageID(''), { kind: 'none' });
  assert.equal(parseRuntimeImageID('ghcr.io/acme/orders:2.8.0').kind, 'unknown');
});
