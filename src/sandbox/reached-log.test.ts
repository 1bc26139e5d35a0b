import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppStore } from './argocd/app-store.ts';
import type { StoredObject } from './kube/types.ts';
import { startReachedLog, type ReachedEntry } from './reached-log.ts';

const deployment = (generation: number, status: Record<string, number>): StoredObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'catalog', namespace: 'shop', generation, uid: 'u1', resourceVersion: '1' }, spec: { replicas: 3 }, status });

test('reached log: one line per change of a workload rollout state, rolled out only as kubectl rollout status decides it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-reached-'));
  try {
    const log = startReachedLog(join(dir, 'reached.jsonl'), createAppStore());
    // Not observed yet, then old replicas left, then done; the repeat of "done" writes nothing.
    log.workload('us-east', deployment(2, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), false);
    log.workload('us-east', deployment(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }), false);
    log.workload('us-east', deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), false);
    log.workload('us-east', deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), false);
    log.workload('us-east', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', uid: 'u2', resourceVersion: '2' } }, false);
    log.stop();
    await log.flush();
    const lines = (await readFile(join(dir, 'reached.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ReachedEntry);
    assert.deepEqual(
      lines.map((e) => (e.what === 'workload' ? [e.kind, e.name, e.generation, e.rolledOut] : e.what)),
      [
        ['Deployment', 'catalog', 2, false],
        ['Deployment', 'catalog', 2, true],
      ],
    );
    assert.ok(lines.every((e) => Number.isFinite(e.at)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
