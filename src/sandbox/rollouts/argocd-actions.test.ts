import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMergePatch, discoverActions, runAction, splitStatusPatch } from './argocd-actions.ts';
import { rolloutHealth } from './argocd-health.ts';
import type { Rollout } from './types.ts';

const ro = (status: Rollout['status'], spec: Partial<Rollout['spec']> = {}, generation = 3): Rollout => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'catalog', namespace: 'ns', uid: 'u', resourceVersion: '1', generation },
  spec: { replicas: 5, strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } }, ...spec },
  status,
});
const paused = ro({ observedGeneration: '3', phase: 'Paused', message: 'CanaryPauseStep', currentPodHash: 'new', stableRS: 'old', currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] });
const enabled = (r: Rollout): string[] => discoverActions(r).filter((a) => !a.disabled).map((a) => a.name);

test('health.lua: generation first, then the phase as is (Paused is Suspended), else the legacy checks', () => {
  assert.deepEqual(rolloutHealth(ro({ observedGeneration: '2', phase: 'Healthy' })), { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' });
  assert.deepEqual(rolloutHealth(paused), { status: 'Suspended', message: 'CanaryPauseStep' });
  assert.deepEqual(rolloutHealth(ro({ observedGeneration: '3', phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2' })), { status: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2' });
  assert.deepEqual(rolloutHealth(ro({ observedGeneration: '3', phase: 'Healthy', message: '' })), { status: 'Healthy', message: '' });
  // A workloadRef whose Deployment generation the controller has not seen yet.
  assert.equal(rolloutHealth({ ...ro({ observedGeneration: '3', phase: 'Healthy' }, { workloadRef: { kind: 'Deployment', name: 'd' } }), metadata: { name: 'c', uid: 'u', resourceVersion: '1', generation: 3, annotations: { 'rollout.argoproj.io/workload-generation': '2' } } }).status, 'Progressing');
  // v0.9 (no phase): aborted condition, then pause, then steps.
  assert.deepEqual(rolloutHealth(ro({ observedGeneration: 'abc123', conditions: [{ type: 'Progressing', status: 'False', reason: 'RolloutAborted', message: 'Rollout is aborted' }] })), { status: 'Degraded', message: 'Rollout is aborted' });
  assert.deepEqual(rolloutHealth(ro({ observedGeneration: 'abc123', currentPodHash: 'new', stableRS: 'old', updatedReplicas: 5, replicas: 5, availableReplicas: 5 })), { status: 'Progressing', message: 'Waiting for rollout to finish steps' });
});

test('discovery.lua: which actions are enabled', () => {
  assert.deepEqual(enabled(paused), ['abort', 'pause', 'promote-full', 'restart', 'resume', 'skip-current-step']);
  const aborted = ro({ ...paused.status, abort: true, pauseConditions: null });
  assert.deepEqual(enabled(aborted), ['promote-full', 'restart', 'retry', 'skip-current-step']);
  const promoted = ro({ observedGeneration: '3', currentPodHash: 'h', stableRS: 'h', currentStepIndex: 2 });
  assert.deepEqual(enabled(promoted), ['restart']);
  assert.deepEqual(discoverActions(paused).map((a) => a.name), ['abort', 'pause', 'promote-full', 'restart', 'resume', 'retry', 'skip-current-step']);
});

test('action.lua results become the merge patches Argo CD sends, status first', () => {
  const patch = (name: Parameters<typeof runAction>[1], r = paused) => createMergePatch(r, runAction(r, name, '2026-05-20T14:00:00Z'));
  assert.deepEqual(patch('abort'), { status: { abort: true } });
  assert.deepEqual(patch('retry', ro({ ...paused.status, abort: true })), { status: { abort: null } });
  assert.deepEqual(patch('promote-full'), { status: { promoteFull: true } });
  assert.deepEqual(patch('resume'), { status: { pauseConditions: null } });
  assert.deepEqual(patch('restart'), { spec: { restartAt: '2026-05-20T14:00:00Z' } });
  // A v0.9 Rollout (observedGeneration a hash): promote-full jumps to the last step instead.
  assert.deepEqual(patch('promote-full', ro({ ...paused.status, observedGeneration: 'abc' })), { status: { currentStepIndex: 2 } });
  assert.deepEqual(splitStatusPatch({ spec: { paused: false }, status: { pauseConditions: null } }), { nonStatus: { spec: { paused: false } }, touchesStatus: true });
  assert.deepEqual(splitStatusPatch({ status: { abort: true } }), { nonStatus: undefined, touchesStatus: true });
});
