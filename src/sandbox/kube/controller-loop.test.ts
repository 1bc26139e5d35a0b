import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxClock } from '../clock.ts';
import { startControllers } from './controller-loop.ts';
import type { ImageRuntime } from './kubelet.ts';
import { ClusterRegistry } from './registry.ts';
import { DEPLOYMENTS, REPLICASETS } from './resources.ts';

const NS = 'default';
const images: ImageRuntime = { pull: () => ({ digest: `sha256:${'d'.repeat(64)}` }), behaviour: () => 'ok', runtime: () => 'containerd' };
const deployment = (image: string) => ({
  metadata: { name: 'web', namespace: NS },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
});
/** The loop's own turn: what it scheduled with setImmediate has run once this resolves. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Turns until a pass writes nothing more (a pass that scales a ReplicaSet, a spec change, runs the next). */
async function settle(registry: ClusterRegistry): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const rv = registry.store.resourceVersion;
    await turn();
    if (registry.store.resourceVersion === rv) return;
  }
  assert.fail('the controllers never settled');
}

test('a spec change runs a controller pass at once, not at the next tick (informer-driven, as upstream)', async () => {
  // Speed 1: ticks are 200 ms apart in real time, so nothing below can come from a tick.
  const registry = new ClusterRegistry('us-east', createSandboxClock({ speed: 1, start: new Date('2026-05-20T14:00:00Z') }));
  const errors: unknown[] = [];
  registry.create(DEPLOYMENTS, NS, deployment('ghcr.io/acme/web:1'));
  const loop = startControllers(registry, createSandboxClock({ speed: 1 }), images, (e) => errors.push(e));
  try {
    loop.tick();
    const before = registry.get(DEPLOYMENTS, NS, 'web');
    assert.equal((before.status as { observedGeneration?: number }).observedGeneration, before.metadata.generation);
    const changed = registry.update(DEPLOYMENTS, NS, 'web', { ...deployment('ghcr.io/acme/web:2'), metadata: { ...before.metadata } });
    assert.equal(changed.metadata.generation, (before.metadata.generation ?? 0) + 1);
    await turn();
    const after = registry.get(DEPLOYMENTS, NS, 'web');
    assert.equal((after.status as { observedGeneration?: number }).observedGeneration, changed.metadata.generation, 'the controller observed the new template');
    const images2 = registry.store.list(REPLICASETS, NS).map((rs) => (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image);
    assert.ok(images2.includes('ghcr.io/acme/web:2'), `a ReplicaSet for the new template exists: ${images2.join(', ')}`);
    assert.deepEqual(errors, []);
  } finally {
    loop.stop();
  }
});

test('a status write or a stopped loop runs no pass', async () => {
  const registry = new ClusterRegistry('us-east', createSandboxClock({ speed: 1, start: new Date('2026-05-20T14:00:00Z') }));
  registry.create(DEPLOYMENTS, NS, deployment('ghcr.io/acme/web:1'));
  const loop = startControllers(registry, createSandboxClock({ speed: 1 }), images, (e) => assert.fail(String(e)));
  loop.tick();
  await settle(registry);
  const settled = registry.get(DEPLOYMENTS, NS, 'web');
  // A status write by someone else: no new spec, so no pass puts observedGeneration back.
  registry.update(DEPLOYMENTS, NS, 'web', { ...settled, status: { ...(settled.status as object), observedGeneration: 0 } }, 'status');
  await turn();
  assert.equal((registry.get(DEPLOYMENTS, NS, 'web').status as { observedGeneration?: number }).observedGeneration, 0);
  loop.stop();
  const current = registry.get(DEPLOYMENTS, NS, 'web');
  registry.update(DEPLOYMENTS, NS, 'web', { ...deployment('ghcr.io/acme/web:3'), metadata: { ...current.metadata } });
  await turn();
  assert.equal((registry.get(DEPLOYMENTS, NS, 'web').status as { observedGeneration?: number }).observedGeneration, 0, 'stopped: nothing observed the change');
});
