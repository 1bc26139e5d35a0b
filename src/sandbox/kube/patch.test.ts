import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';

const deployment = () => ({
  metadata: { name: 'catalog', annotations: { a: '1' } },
  spec: {
    replicas: 3,
    template: {
      spec: {
        containers: [
          { name: 'catalog', image: 'catalog:1.0', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
});

describe('strategic merge patch', () => {
  it('merges containers by name and drops $setElementOrder (kubectl set image)', () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'catalog' }, { name: 'sidecar' }], containers: [{ name: 'catalog', image: 'catalog:1.1' }] } } },
    }) as ReturnType<typeof deployment>;
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.image), ['catalog:1.1', 'proxy:1']);
    assert.deepEqual(out.spec.template.spec.containers[0]!.env, [{ name: 'A', value: '1' }]);
    assert.ok(!JSON.stringify(out).includes('$'));
  });

  it('merges env by name, deletes with null and $patch: delete', () => {
    const out = applyStrategicMergePatch(deployment(), {
      metadata: { annotations: { a: null, b: '2' } },
      spec: { template: { spec: { containers: [{ name: 'catalog', env: [{ name: 'B', value: '2' }] }, { name: 'sidecar', $patch: 'delete' }] } } },
    }) as ReturnType<typeof deployment>;
    assert.deepEqual(out.metadata.annotations, { b: '2' });
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['catalog']);
    assert.deepEqual(out.spec.template.spec.containers[0]!.env!.map((e) => e.name), ['A', 'B']);
  });

  it('ignores $retainKeys', () => {
    const out = applyStrategicMergePatch({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }, {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
    });
    assert.deepEqual(out, { spec: { strategy: { type: 'Recreate' } } });
  });
});

describe('merge patch', () => {
  it('replaces lists and removes null keys (RFC 7386)', () => {
    const out = applyMergePatch(deployment(), { metadata: { annotations: null }, spec: { template: { spec: { containers: [{ name: 'x', image: 'x:1' }] } } } }) as ReturnType<typeof deployment>;
    assert.equal(out.metadata.annotations, undefined);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'x', image: 'x:1' }]);
  });
});

describe('JSON patch', () => {
  it('replaces the template and annotations as kubectl rollout undo does', () => {
    const out = applyJsonPatch(deployment(), [
      { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'catalog', image: 'catalog:0.9' }] } } },
      { op: 'replace', path: '/metadata/annotations', value: { 'kubernetes.io/change-cause': 'back' } },
      { op: 'add', path: '/metadata/labels', value: { app: 'catalog' } },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'late', image: 'late:1' } },
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'remove', path: '/spec/replicas' },
    ]) as ReturnType<typeof deployment>;
    assert.deepEqual(out.spec.template.spec.containers.map((c: { image: string }) => c.image), ['catalog:0.9', 'late:1']);
    assert.deepEqual(out.metadata.annotations, { 'kubernetes.io/change-cause': 'back' });
    assert.equal(out.spec.replicas, undefined);
  });

  it('fails on a missing path or a failed test', () => {
    assert.throws(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/nope/x', value: 1 }]), /does not exist/);
    assert.throws(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 4 }]), /test failed/);
  });

  it('tests objects by value, whatever their key order', () => {
    const out = applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/template/spec/containers/1', value: { image: 'proxy:1', name: 'sidecar' } }]);
    assert.deepEqual(out, deployment());
  });
});
