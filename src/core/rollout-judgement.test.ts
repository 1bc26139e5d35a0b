import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodImage, WorkloadState } from './domain.ts';
import { judgeOperation, judgeRollout } from './rollout-judgement.ts';

const GOOD = `ghcr.io/acme/catalog@sha256:${'60'.repeat(32)}`;
const BAD = `ghcr.io/acme/catalog@sha256:${'ba'.repeat(32)}`;
const template = [{ container: 'catalog', image: GOOD }];
const deadline = (at: string) => ({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "catalog-1" has timed out progressing.', lastUpdateTime: at });
const crashing: PodImage = { pod: 'catalog-2-x', container: 'catalog', image: GOOD, imageID: '', ready: false, restartCount: 4, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' }, lastTerminated: { reason: 'Error', exitCode: 1 } };

function workload(o: Partial<WorkloadState> = {}): WorkloadState {
  return {
    ref: { cluster: 'us-east', namespace: 'ns', kind: 'Deployment', name: 'catalog' },
    generation: 7, observedGeneration: 7, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, paused: false,
    images: template, conditions: [], pods: [], ...o,
  };
}

test('nothing counts before the controller observes the generation, not even a deadline', () => {
  const j = judgeRollout(workload({ generation: 8, conditions: [deadline('2026-01-01T00:00:00Z')] }), { staleDeadline: '' });
  assert.equal(j.verdict, 'waiting');
  assert.match(j.reason, /not observed generation 8/);
});

test('the bad rollout\'s deadline is stale: waiting while the rollback progresses, done once replaced', () => {
  const stale = '2026-01-01T00:10:00Z';
  const w = workload({ updatedReplicas: 1, replicas: 4, conditions: [deadline(stale)] });
  assert.equal(judgeRollout(w, { staleDeadline: stale, template }).verdict, 'waiting');
  const done = workload({ conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: '2026-01-01T00:12:00Z' }] });
  assert.equal(judgeRollout(done, { staleDeadline: stale, template }).verdict, 'done');
});

test('a deadline written after the rollback fails it, with the Pods\' waiting reasons as evidence', () => {
  const w = workload({ availableReplicas: 0, conditions: [deadline('2026-01-01T00:30:00Z')], pods: [crashing] });
  const j = judgeRollout(w, { staleDeadline: '2026-01-01T00:10:00Z', template });
  assert.equal(j.verdict, 'failed');
  assert.match(j.reason, /exceeded its progress deadline/);
  assert.deepEqual(j.evidence, ['catalog-2-x/catalog: CrashLoopBackOff (4 restarts), last exit Error (1): back-off 2m40s restarting failed container']);
  assert.equal(judgeRollout(w).verdict, 'failed', 'without a baseline every deadline counts, as kubectl');
});

test('the bad template still in place is waiting, not done', () => {
  const j = judgeRollout(workload({ images: [{ container: 'catalog', image: BAD }] }), { template });
  assert.equal(j.verdict, 'waiting');
  assert.match(j.reason, /rollback's template/);
  assert.equal(judgeRollout(workload({ images: [...template, { container: 'wait', image: GOOD, init: true }] }), { template }).verdict, 'waiting', 'an extra init container is another template');
  const oldDeadline = workload({ images: [{ container: 'catalog', image: BAD }], conditions: [deadline('2026-01-01T00:20:00Z')] });
  assert.equal(judgeRollout(oldDeadline, { template, staleDeadline: '' }).verdict, 'waiting', 'a deadline written for the bad template is not the rollback\'s');
});

test('kubectl\'s counts: updated, then available', () => {
  assert.match(judgeRollout(workload({ updatedReplicas: 2 })).reason, /2 out of 3 new replicas/);
  assert.match(judgeRollout(workload({ availableReplicas: 1 })).reason, /1 of 3 updated replicas are available/);
  assert.equal(judgeRollout(workload()).verdict, 'done');
});

test('an operation counts only for the rollback\'s revision', () => {
  assert.equal(judgeOperation({ phase: 'Failed', message: 'boom', revision: 'aaa' }, 'bbb').verdict, 'waiting');
  assert.equal(judgeOperation({ phase: 'Failed', message: 'boom', revision: 'bbb' }, 'bbb').verdict, 'failed');
  assert.equal(judgeOperation({ phase: 'Succeeded', revision: 'bbb' }, 'bbb').verdict, 'done');
  assert.equal(judgeOperation({ phase: 'Running', revision: 'bbb' }, 'bbb').verdict, 'waiting');
});
