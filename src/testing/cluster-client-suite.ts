/**
 * The contract every `ClusterClient` keeps, run against each implementation and each server
 * (the sandbox's Kubernetes API, a real cluster), in the way of Hono's `runTest({ newRouter })`.
 *
 * ### Examples
 * ```ts
 * runClusterClientSuite({
 *   name: 'kubernetes adapter against the sandbox',
 *   create: () => createKubernetesClusterClient({ kubeconfigPath: sandbox.kubeconfig, context: 'us-east' }),
 *   workload: { cluster: 'us-east', namespace: 'bookstore-platform-acme-books', kind: 'Deployment', name: 'catalog' },
 * });
 * ```
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkloadRef } from '../core/domain.ts';
import { WorkloadState } from '../core/domain.ts';
import { NotFoundError } from '../core/errors.ts';
import type { ClusterClient } from '../core/ports.ts';

export interface ClusterClientSuiteOptions {
  readonly name: string;
  /** Called in each test, after the test file's `before` hooks (so a server can start there). */
  readonly create: () => ClusterClient | Promise<ClusterClient>;
  /** A workload that exists and has running Pods. */
  readonly workload: WorkloadRef;
}

const DIGEST = /^(?:[^\s@]+@)?sha256:[0-9a-f]{64}$/;

export function runClusterClientSuite(o: ClusterClientSuiteOptions): void {
  test(`${o.name}: getWorkload reports the workload and the digest each live Pod runs`, async () => {
    const client = await o.create();
    const w = await client.getWorkload(o.workload);
    assert.deepEqual(w.ref, o.workload);
    assert.ok(w.generation >= 1, 'generation');
    assert.ok(w.observedGeneration <= w.generation, 'observedGeneration never runs ahead');
    assert.ok(w.images.length > 0, 'template images');
    assert.ok(w.pods.length > 0, 'the workload has Pods');
    for (const p of w.pods) {
      assert.ok(p.pod && p.container, 'pod and container names');
      assert.ok(p.imageID === '' || DIGEST.test(p.imageID), `imageID ${p.imageID} is a digest (no docker-pullable:// prefix)`);
      assert.ok(p.restartCount >= 0);
    }
    assert.ok(Object.isFrozen(w) && Object.isFrozen(w.pods), 'frozen');
  });

  test(`${o.name}: a rolled-out workload pinned by digest runs that digest in every Pod`, async () => {
    const w = await (await o.create()).getWorkload(o.workload);
    const pinned = w.images.map((i) => i.image.split('@')[1]).filter((d): d is string => !!d);
    // NOTE: a conformance case must run, not skip: every target serves a rolled-out, digest-pinned workload.
    assert.ok(WorkloadState.isRolledOut(w), 'the suite needs a rolled-out workload');
    assert.ok(pinned.length > 0, 'the suite needs a template pinned by digest');
    for (const p of w.pods) assert.ok(pinned.some((d) => p.imageID.endsWith(d)), `${p.pod}/${p.container} runs ${p.imageID}`);
    assert.equal(w.pods.filter((p) => p.container === w.images[0]?.container).length, w.replicas);
  });

  test(`${o.name}: a workload that does not exist is a NotFoundError`, async () => {
    const client = await o.create();
    await assert.rejects(client.getWorkload({ ...o.workload, name: `${o.workload.name}-does-not-exist` }), NotFoundError);
    await assert.rejects(client.getWorkload({ ...o.workload, namespace: 'rewind-no-such-namespace' }), NotFoundError);
  });

  test(`${o.name}: an aborted signal stops the call`, async () => {
    const client = await o.create();
    const ac = new AbortController();
    ac.abort(new Error('stopped by the test'));
    await assert.rejects(client.getWorkload(o.workload, { signal: ac.signal }), /stopped by the test|abort/i);
  });
}
