import type { WorkloadRef } from '../core/domain.ts';
import { isRewindError } from '../core/errors.ts';
import { Fact, type Facts } from '../core/facts.ts';
import type { RolloutControl } from '../core/ports.ts';

/**
 * What `rollout undo` can go back to: the Deployment's ReplicaSets by revision, and its hold. For
 * an app Argo CD manages it is only the alternative path, so a failed read leaves it out (the
 * rollout-undo mechanism then declines) instead of failing the plan; for `gitops: none` it is the
 * path, and a failure is the plan's.
 */
export async function rolloutHistoryFact(rollouts: RolloutControl | undefined, w: WorkloadRef, required: boolean): Promise<Pick<Facts, 'rolloutHistory'>> {
  if (rollouts === undefined || w.kind !== 'Deployment') return {};
  try {
    const history = await rollouts.history(w);
    return { rolloutHistory: Fact.of(history, `kubernetes GET ${w.cluster}: deployments/${w.name} + replicasets it controls -n ${w.namespace}`) };
  } catch (e) {
    if (required || !isRewindError(e)) throw e;
    return {};
  }
}
