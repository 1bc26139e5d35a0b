import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxClock } from '../clock.ts';
import { warpable } from '../world/warp-clock.ts';
import { Kubelet, type ImageRuntime } from './kubelet.ts';
import { ClusterRegistry } from './registry.ts';
import { PODS } from './resources.ts';
import type { ContainerStatus, Pod } from './types.ts';

const D = `sha256:${'d'.repeat(64)}`;
const NS = 'default';

/** A node whose runtime is Docker, with one image that cannot be pulled and one that crashes. */
function node(cluster = 'eu-west') {
  const clock = warpable(createSandboxClock({ speed: 1, start: new Date('2026-05-20T14:00:00Z') }));
  const registry = new ClusterRegistry(cluster, clock);
  const images: ImageRuntime = {
    pull: (image) => (image.endsWith(':gone') ? { error: `failed to resolve reference "${image}": not found` } : { digest: D }),
    behaviour: (image) => (image.endsWith(':crash') ? 'crashloop' : image.endsWith(':unready') ? 'readiness-fail' : 'ok'),
    runtime: (c) => (c === 'eu-west' ? 'docker' : 'containerd'),
  };
  const kubelet = new Kubelet(registry, images);
  const pod = (name: string, main: string, init = 'ghcr.io/acme/wait:1') =>
    registry.create(PODS, NS, { metadata: { name, namespace: NS }, spec: { initContainers: [{ name: 'wait', image: init }], containers: [{ name: 'app', image: main }, { name: 'sidecar', image: 'ghcr.io/acme/side:1' }] } });
  const after = (ms: number, name: string): Pod => {
    for (let t = 0; t < ms; t += 200) {
      clock.advance(200);
      kubelet.sync();
    }
    return registry.store.get(PODS, NS, name) as Pod;
  };
  return { pod, after };
}
const app = (p: Pod): ContainerStatus => p.status!.containerStatuses!.find((c) => c.name === 'app')!;

test('init containers complete first; then containers run, with Docker\'s imageID and containerID', () => {
  const n = node();
  n.pod('ok', 'ghcr.io/acme/app:1');
  const p = n.after(5_000, 'ok');
  assert.equal(p.status?.phase, 'Running');
  assert.deepEqual(p.status?.initContainerStatuses?.map((s) => [s.name, Object.keys(s.state)[0], s.ready]), [['wait', 'terminated', true]]);
  assert.equal(app(p).imageID, `docker-pullable://ghcr.io/acme/app@${D}`);
  assert.match(app(p).containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
  assert.ok(p.status?.containerStatuses?.every((s) => s.ready));
  const c = node('us-east');
  c.pod('ok', 'ghcr.io/acme/app:1');
  assert.equal(app(c.after(5_000, 'ok')).imageID, `ghcr.io/acme/app@${D}`, 'containerd: repo@digest');
});

test('crash loop: CrashLoopBackOff with the kubelet\'s back-off (10 s doubling), restartCount grows, never Ready', () => {
  const n = node();
  n.pod('crash', 'ghcr.io/acme/app:crash');
  let p = n.after(5_000, 'crash');
  assert.equal(app(p).state['waiting'] && (app(p).state['waiting'] as { reason: string }).reason, 'CrashLoopBackOff');
  assert.match((app(p).state['waiting'] as { message: string }).message, /^back-off 10s restarting failed container=app pod=crash_default\(/);
  assert.equal(app(p).restartCount, 0);
  assert.deepEqual(app(p).lastState?.['terminated'] && [(app(p).lastState!['terminated'] as { exitCode: number }).exitCode], [1]);
  p = n.after(70_000, 'crash');
  assert.equal(app(p).restartCount, 3, '10 + 20 + 40 s of back-off, a second of running each time');
  assert.match((app(p).state['waiting'] as { message: string }).message, /^back-off 1m20s /);
  assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  assert.equal(p.status?.containerStatuses?.find((c) => c.name === 'sidecar')?.ready, true, 'the sidecar runs fine');
});

test('pull failure: ErrImagePull, then ImagePullBackOff, no imageID; a stuck init container holds the Pod', () => {
  const n = node();
  n.pod('gone', 'ghcr.io/acme/app:gone');
  let p = n.after(2_500, 'gone');
  assert.deepEqual([(app(p).state['waiting'] as { reason: string }).reason, app(p).imageID], ['ErrImagePull', '']);
  p = n.after(3_000, 'gone');
  assert.deepEqual(app(p).state['waiting'], { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/app:gone"' });
  n.pod('init-gone', 'ghcr.io/acme/app:1', 'ghcr.io/acme/wait:gone');
  p = n.after(10_000, 'init-gone');
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'False');
  assert.equal((app(p).state['waiting'] as { reason: string }).reason, 'PodInitializing');
});

test('readiness failure runs but never gets Ready', () => {
  const n = node();
  n.pod('unready', 'ghcr.io/acme/app:unready');
  const p = n.after(5_000, 'unready');
  assert.deepEqual([Object.keys(app(p).state)[0], app(p).ready, app(p).started], ['running', false, true]);
});

test('a Running, Ready Pod left alone still follows its image: a build that starts crashing crashes in it, and a write to it is synced', () => {
  const clock = warpable(createSandboxClock({ speed: 1, start: new Date('2026-05-20T14:00:00Z') }));
  const registry = new ClusterRegistry('us-east', clock);
  const behaviours = new Map<string, 'ok' | 'crashloop'>();
  const images: ImageRuntime = { pull: () => ({ digest: D }), behaviour: (image) => behaviours.get(image) ?? 'ok', runtime: () => 'containerd' };
  const kubelet = new Kubelet(registry, images);
  registry.create(PODS, NS, { metadata: { name: 'p', namespace: NS }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1' }] } });
  const after = (ms: number): Pod => {
    for (let t = 0; t < ms; t += 200) {
      clock.advance(200);
      kubelet.sync();
    }
    return registry.store.get(PODS, NS, 'p') as Pod;
  };
  let p = after(10_000);
  assert.deepEqual([p.status?.phase, app(p).ready], ['Running', true]);
  const settledAt = p.metadata.resourceVersion;
  assert.equal(after(5_000).metadata.resourceVersion, settledAt, 'nothing to write while nothing moves');

  behaviours.set('ghcr.io/acme/app:1', 'crashloop');
  p = after(3_000);
  assert.equal((app(p).state['waiting'] as { reason: string } | undefined)?.reason, 'CrashLoopBackOff');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');

  behaviours.delete('ghcr.io/acme/app:1');
  p = after(15_000);
  assert.deepEqual([Object.keys(app(p).state)[0], app(p).ready], ['running', true], 'restarted after the back-off, Ready again');
  // A status written by someone else (a stale writer) is put right by the next sync.
  registry.update(PODS, NS, 'p', { ...p, status: { ...p.status, phase: 'Pending' } }, 'status');
  assert.equal(after(400).status?.phase, 'Running');
});
