import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateRolloutPhase } from './phase.ts';
import type { RolloutSpec, RolloutStatus } from './types.ts';

const spec: RolloutSpec = { replicas: 5, strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } };
const done: RolloutStatus = { replicas: 5, updatedReplicas: 5, availableReplicas: 5, stableRS: 'abc', currentPodHash: 'abc' };
const cond = (type: string, reason: string, message: string) => ({ type, status: 'False' as const, reason, message });

test('CalculateRolloutPhase, condition by condition (utils/rollout/rolloututil.go)', () => {
  assert.deepEqual(calculateRolloutPhase(spec, done), { phase: 'Healthy', message: '' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, conditions: [cond('InvalidSpec', 'InvalidSpec', "AnalysisTemplate 'x' not found")] }), { phase: 'Degraded', message: "InvalidSpec: AnalysisTemplate 'x' not found" });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, conditions: [cond('Progressing', 'RolloutAborted', 'Rollout aborted update to revision 2')] }), { phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, conditions: [cond('Progressing', 'ProgressDeadlineExceeded', 'timed out')] }), { phase: 'Degraded', message: 'ProgressDeadlineExceeded: timed out' });
  assert.deepEqual(calculateRolloutPhase({ ...spec, paused: true }, done), { phase: 'Paused', message: 'manually paused' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] }), { phase: 'Paused', message: 'CanaryPauseStep' });
  assert.deepEqual(calculateRolloutPhase({ ...spec, restartAt: '2026-01-01T00:00:00Z' }, done), { phase: 'Progressing', message: 'rollout is restarting' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, updatedReplicas: 1 }), { phase: 'Progressing', message: 'more replicas need to be updated' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, availableReplicas: 4 }), { phase: 'Progressing', message: 'updated replicas are still becoming available' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, replicas: 6 }), { phase: 'Progressing', message: 'old replicas are pending termination' });
  assert.deepEqual(calculateRolloutPhase(spec, { ...done, currentPodHash: 'def' }), { phase: 'Progressing', message: 'waiting for all steps to complete' });
  // An abort wins over a pause.
  assert.equal(calculateRolloutPhase(spec, { ...done, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '' }], conditions: [cond('Progressing', 'RolloutAborted', 'x')] }).phase, 'Degraded');
});
