import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/types.ts';
import { ignoredPointers, withLiveAt } from './ignore-differences.ts';

const deploy = (name: string, replicas: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ns' }, spec: { replicas, template: {} } });

test('a rule matches by group and kind (globs), by name and namespace only when it names them', () => {
  const o = deploy('indexer', 4);
  assert.deepEqual(ignoredPointers([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], o), ['/spec/replicas']);
  assert.deepEqual(ignoredPointers([{ group: '*', kind: 'Deploy*', name: 'indexer', jsonPointers: ['/spec/replicas'] }], o), ['/spec/replicas']);
  assert.deepEqual(ignoredPointers([{ group: 'apps', kind: 'Deployment', name: 'other', jsonPointers: ['/spec/replicas'] }], o), []);
  assert.deepEqual(ignoredPointers([{ group: '', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], o), [], 'the core group is not apps');
  assert.deepEqual(ignoredPointers([{ group: 'apps', kind: 'Deployment', namespace: 'elsewhere', jsonPointers: ['/spec/replicas'] }], o), []);
  assert.deepEqual(ignoredPointers([{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] }], o), [], 'jq rules are not evaluated');
});

test('withLiveAt: the ignored field takes the live value, or goes when live has none; the rest stays git\'s', () => {
  const desired = deploy('indexer', 4);
  const got = withLiveAt(desired, deploy('indexer', 0), ['/spec/replicas']);
  assert.equal((got.spec as { replicas: number }).replicas, 0);
  assert.equal((desired.spec as { replicas: number }).replicas, 4, 'the desired object is not changed');
  const none = withLiveAt(desired, { ...deploy('indexer', 0), spec: { template: {} } }, ['/spec/replicas']);
  assert.equal('replicas' in (none.spec as object), false);
  assert.equal(withLiveAt(desired, undefined, ['/spec/replicas']), desired, 'nothing live: git as is');
});
