import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView } from '../kube/index.ts';
import type { Pod } from '../kube/types.ts';
import { flagdFile, FLAGS_CONFIGMAP, FLAGS_FILE, FLAGS_VOLUME, SLOW_FEATURE } from './flag-files.ts';
import { KUBELET_SYNC_MS, PodFlags } from './pod-flags.ts';

function world(file: { text: string }): ClusterView {
  return {
    get: (_g, _v, plural, _ns, name) => (plural === 'configmaps' && name === FLAGS_CONFIGMAP ? ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { [FLAGS_FILE]: file.text } } as never) : undefined),
    list: () => [],
    resourceVersion: 1,
  };
}

const pod = (uid: string, volumes: unknown[] = [FLAGS_VOLUME]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `catalog-${uid}`, namespace: 'ns', uid }, spec: { containers: [], volumes } } as unknown as Pod);

test('a Pod sees a ConfigMap change at its next kubelet sync, not before, and evaluates it with flagd', () => {
  const file = { text: flagdFile() };
  const flags = new PodFlags(() => world(file));
  const p = pod('a1');
  assert.equal(flags.slowFeatureOn('us-east', p, 0), false);
  file.text = flagdFile([SLOW_FEATURE]);
  // Within one sync period of its first read the Pod still runs the projected copy it had...
  const seen: boolean[] = [];
  for (let t = 0; t <= 2 * KUBELET_SYNC_MS; t += 1000) seen.push(flags.slowFeatureOn('us-east', p, t));
  const flip = seen.indexOf(true);
  assert.ok(flip > 0 && flip <= KUBELET_SYNC_MS / 1000, `flipped after ${flip} s`);
  assert.ok(seen.slice(flip).every(Boolean), 'and keeps it once projected');
});

test('a Pod that mounts no ConfigMap has no flags; a file flagd cannot load keeps the last good configuration', () => {
  const file = { text: flagdFile([SLOW_FEATURE]) };
  const flags = new PodFlags(() => world(file));
  assert.equal(flags.slowFeatureOn('us-east', pod('b1', []), 0), false);
  const p = pod('b2');
  assert.equal(flags.slowFeatureOn('us-east', p, 0), true);
  file.text = '{ not json';
  assert.equal(flags.slowFeatureOn('us-east', p, 3 * KUBELET_SYNC_MS), true, 'still on: the broken file was not loaded');
  assert.equal(flags.slowFeatureOn('us-east', pod('b3'), 0), false, 'a new Pod with nothing good to keep');
});
