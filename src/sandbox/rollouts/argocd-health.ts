/**
 * Argo CD's health of a Rollout, as upstream's Lua health check computes it: followed from
 * argoproj/argo-cd `resource_customizations/argoproj.io/Rollout/health.lua`. Nothing counts before
 * the controller observed the generation (and the workloadRef's); then `status.phase` is surfaced
 * as is, `Paused` mapped to Argo CD's `Suspended` (so an aborted Rollout is Degraded with the
 * controller's message, a paused one Suspended). Rollouts older than v1.0 (no phase) fall back to
 * the conditions, the pause, and the replica counts.
 */
import type { HealthStatus } from '../../core/domain.ts';
import { WORKLOAD_GENERATION, type Rollout } from './types.ts';

export interface RolloutHealth {
  readonly status: HealthStatus;
  readonly message?: string;
}

/**
 * The Lua scripts' test for a controller older than v0.10: no observedGeneration, a non-numeric
 * one (a v0.9 hash), or one past the object's generation.
 */
export function legacyObservedGeneration(ro: Rollout): boolean {
  const observed = Number(ro.status?.observedGeneration);
  return ro.status?.observedGeneration === undefined || Number.isNaN(observed) || observed > (ro.metadata.generation ?? 0);
}

function generationObserved(ro: Rollout): boolean {
  if (!ro.status) return false;
  return legacyObservedGeneration(ro) || Number(ro.status.observedGeneration) === ro.metadata.generation;
}

function workloadGenerationObserved(ro: Rollout): boolean {
  if (!ro.spec.workloadRef || !ro.metadata.annotations) return true;
  const wanted = ro.metadata.annotations[WORKLOAD_GENERATION];
  const seen = ro.status?.workloadObservedGeneration;
  // Lua's tonumber: two nils are equal.
  return (wanted === undefined ? undefined : Number(wanted)) === (seen === undefined ? undefined : Number(seen));
}

export function rolloutHealth(ro: Rollout): RolloutHealth {
  if (!generationObserved(ro) || !workloadGenerationObserved(ro)) return { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' };
  const st = ro.status ?? {};
  if (st.phase !== undefined) return { status: st.phase === 'Paused' ? 'Suspended' : (st.phase as HealthStatus), message: st.message ?? '' };
  for (const c of st.conditions ?? []) {
    if (c.type === 'InvalidSpec') return { status: 'Degraded', message: c.message ?? '' };
    if (c.type === 'Progressing' && (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded')) return { status: 'Degraded', message: c.message ?? '' };
  }
  if ((st.pauseConditions ?? []).length > 0 || ro.spec.paused) return { status: 'Suspended', message: 'Rollout is paused' };
  if (st.currentPodHash === undefined) return { status: 'Progressing', message: 'Waiting for rollout to finish: status has not been reconciled.' };
  const desired = ro.spec.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < desired) return { status: 'Progressing', message: 'Waiting for roll out to finish: More replicas need to be updated' };
  if ((st.availableReplicas ?? 0) < updated) return { status: 'Progressing', message: 'Waiting for roll out to finish: updated replicas are still becoming available' };
  if (ro.spec.strategy?.canary) {
    if ((st.replicas ?? 0) > updated) return { status: 'Progressing', message: 'Waiting for roll out to finish: old replicas are pending termination' };
    if (!st.stableRS || st.stableRS !== st.currentPodHash) return { status: 'Progressing', message: 'Waiting for rollout to finish steps' };
  }
  return { status: 'Healthy', message: '' };
}
