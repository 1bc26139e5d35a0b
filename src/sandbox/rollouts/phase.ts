/**
 * A Rollout's `status.phase` and `status.message`, as the controller computes them: followed
 * from argoproj/argo-rollouts `utils/rollout/rolloututil.go` `CalculateRolloutPhase` (canary
 * branch; no traffic router, so old replicas pending termination count).
 *
 * ### Examples
 * An aborted rollout: `Degraded`, "RolloutAborted: Rollout aborted update to revision 3: ...".
 * Paused at a pause step: `Paused`, "CanaryPauseStep".
 */
import type { RolloutSpec, RolloutStatus } from './types.ts';

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export function calculateRolloutPhase(spec: RolloutSpec, status: RolloutStatus): { phase: RolloutPhase; message: string } {
  for (const c of status.conditions ?? []) {
    if (c.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${c.message ?? ''}` };
    if (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded') return { phase: 'Degraded', message: `${c.reason}: ${c.message ?? ''}` };
  }
  if (spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const pause = status.pauseConditions?.[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  if (spec.restartAt && spec.restartAt !== status.restartedAt) return { phase: 'Progressing', message: 'rollout is restarting' };
  if ((status.updatedReplicas ?? 0) < (spec.replicas ?? 1)) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0)) return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  if (spec.strategy?.canary) {
    if ((status.replicas ?? 0) > (status.updatedReplicas ?? 0)) return { phase: 'Progressing', message: 'old replicas are pending termination' };
    if (!status.stableRS || status.stableRS !== status.currentPodHash) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}
