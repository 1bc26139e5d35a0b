import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import { jsonPatch, mergePatch } from './json-patch.ts';

const app = { spec: { syncPolicy: { automated: { prune: true, selfHeal: true } }, source: { targetRevision: 'main' } } };

test('merge patch: null removes, objects merge', () => {
  assert.deepEqual(mergePatch(app, { spec: { syncPolicy: { automated: null } } }), { spec: { syncPolicy: {}, source: { targetRevision: 'main' } } });
  assert.deepEqual(mergePatch(app, { spec: { syncPolicy: { automated: { enabled: false } } } }), {
    spec: { syncPolicy: { automated: { prune: true, selfHeal: true, enabled: false } }, source: { targetRevision: 'main' } },
  });
});

test('json patch: add, replace, remove, test', () => {
  const out = jsonPatch(app, [
    { op: 'add', path: '/spec/syncPolicy/automated/enabled', value: false },
    { op: 'replace', path: '/spec/source/targetRevision', value: 'a1b2c3d' },
    { op: 'test', path: '/spec/syncPolicy/automated/prune', value: true },
    { op: 'remove', path: '/spec/syncPolicy/automated/selfHeal' },
  ]);
  assert.deepEqual(out, { spec: { syncPolicy: { automated: { prune: true, enabled: false } }, source: { targetRevision: 'a1b2c3d' } } });
  assert.throws(
    () => jsonPatch(app, [{ op: 'replace', path: '/spec/nope/x', value: 1 }]),
    (e: unknown) => e instanceof GrpcError && e.code === GrpcCode.InvalidArgument && /\/spec\/nope/.test(e.message),
  );
  assert.deepEqual(app.spec.source.targetRevision, 'main', 'the target is not mutated');
});
