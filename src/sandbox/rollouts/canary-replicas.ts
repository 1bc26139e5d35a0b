/**
 * How many Pods the canary and the stable ReplicaSet get for a weight, for the basic canary
 * (no traffic router: the weight is the share of Pods). Pure; followed from argoproj/argo-rollouts
 * `utils/replicaset/canary.go`: `approximateWeightedCanaryStableReplicaCounts` (the closest
 * canary/stable split, one surge Pod allowed, never 0 canary Pods for a weight of 1-99 with 2+
 * Pods), `CalculateReplicaCountsForBasicCanary` (scale up within maxSurge, stable first; scale down
 * within maxUnavailable, older ReplicaSets first), `adjustReplicaWithinLimits`, and
 * `GetCurrentSetWeight` (0 while aborted, the last setWeight at or before the current step, 100
 * after the last step).
 *
 * ### Examples
 * 5 replicas at 20%: 1 canary, 4 stable. 5 replicas at 50% (tie 2.5): 3 canary, 3 stable (the
 * surge Pod makes 3/6 exactly 50%). 1 replica at 20% with maxSurge 1: 1 canary, 1 stable.
 */
import { maxSurgeAndUnavailable } from '../kube/rollout-plan.ts';
import type { IntOrString } from '../kube/types.ts';
import type { CanaryStep } from './types.ts';

const MAX_WEIGHT = 100;

export function approximateCounts(specReplicas: number, desiredWeight: number, maxSurge: number): { canary: number; stable: number } {
  if (specReplicas === 0) return { canary: 0, stable: 0 };
  const exact = (specReplicas * desiredWeight) / MAX_WEIGHT;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const tied = (total: number): boolean => ((total * desiredWeight) / MAX_WEIGHT) % 1 === 0.5;
  const zeroAllowed = desiredWeight === MAX_WEIGHT || desiredWeight === 0 || (specReplicas === 1 && maxSurge === 0);
  const options: { canary: number; total: number }[] = [];
  if (ceil < specReplicas || zeroAllowed) options.push({ canary: ceil, total: specReplicas });
  if (!tied(specReplicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas });
  if (maxSurge > 0) {
    options.push({ canary: ceil, total: specReplicas + 1 });
    if (!tied(specReplicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas + 1 });
  }
  if (options.length === 0) return { canary: 0, stable: specReplicas };
  const delta = (o: { canary: number; total: number }): number => Math.abs((o.canary * MAX_WEIGHT) / o.total - desiredWeight);
  let best = options[0]!;
  // Strictly better only: upstream keeps the first option on a tie.
  for (const o of options.slice(1)) if (delta(o) < delta(best)) best = o;
  return { canary: best.canary, stable: best.total - best.canary };
}

/** What the calculation needs of a ReplicaSet. */
export interface RSCounts {
  readonly name: string;
  /** spec.replicas */
  readonly replicas: number;
  /** status.availableReplicas */
  readonly available: number;
}

export interface BasicCanaryInput {
  readonly specReplicas: number;
  readonly weight: number;
  readonly maxSurge: IntOrString | undefined;
  readonly maxUnavailable: IntOrString | undefined;
  readonly newRS: RSCounts | undefined;
  /** Undefined, or the same as newRS: no canary, the new ReplicaSet goes to 100%. */
  readonly stableRS: RSCounts | undefined;
  readonly olderRSs: readonly RSCounts[];
}

/** The canary's and the stable's next `spec.replicas` (`CalculateReplicaCountsForBasicCanary`). */
export function basicCanaryCounts(input: BasicCanaryInput): { canary: number; stable: number } {
  const { specReplicas, newRS, stableRS, olderRSs } = input;
  const { surge, unavailable } = maxSurgeAndUnavailable({ desired: specReplicas, maxSurge: input.maxSurge ?? '25%', maxUnavailable: input.maxUnavailable ?? '25%' });
  let { canary: desiredNew, stable: desiredStable } = approximateCounts(specReplicas, input.weight, surge);
  let newCount = newRS?.replicas ?? 0;
  let stableCount = 0;
  const scaleStable = stableRS !== undefined && (newRS === undefined || newRS.name !== stableRS.name);
  if (scaleStable) stableCount = stableRS.replicas;
  else {
    desiredNew = specReplicas;
    desiredStable = 0;
  }
  const maxAllowed = specReplicas + surge;
  const sum = (list: readonly (RSCounts | undefined)[]): number => list.reduce((n, rs) => n + (rs?.replicas ?? 0), 0);
  let scaleUp = maxAllowed - sum([...olderRSs, newRS, ...(scaleStable ? [stableRS] : [])]);

  if (scaleStable && stableRS.replicas < desiredStable && scaleUp > 0) {
    if (stableRS.replicas + scaleUp < desiredStable) {
      stableCount = stableRS.replicas + scaleUp;
      scaleUp = 0;
    } else {
      stableCount = desiredStable;
      scaleUp -= desiredStable - stableRS.replicas;
    }
  }
  if (newRS && newRS.replicas < desiredNew && scaleUp > 0) {
    newCount = newRS.replicas + scaleUp < desiredNew ? newRS.replicas + scaleUp : desiredNew;
  }
  // Older ReplicaSets go down first; the canary and the stable wait for them.
  if (sum(olderRSs) > 0) return { canary: newCount, stable: stableCount };

  const minAvailable = specReplicas - unavailable;
  const isIncreasing = newRS === undefined || desiredNew >= newRS.replicas;
  const forScaleDown = (rs: RSCounts | undefined, ignoreAvailability: boolean): number => {
    if (!rs) return 0;
    if (rs.replicas < rs.available) return rs.replicas;
    return ignoreAvailability ? rs.replicas : rs.available;
  };
  const toScaleDown = forScaleDown(newRS, !isIncreasing) + forScaleDown(scaleStable ? stableRS : undefined, isIncreasing);
  if (toScaleDown <= minAvailable) return { canary: newCount, stable: stableCount };
  const scaleDown = toScaleDown - minAvailable;
  const drain = (rs: RSCounts | undefined, desired: number, current: number): number =>
    rs && rs.replicas > desired ? Math.max(desired, rs.replicas - scaleDown) : current;
  if (!isIncreasing) {
    newCount = drain(newRS, desiredNew, newCount);
    [newCount, stableCount] = adjustWithinLimits(newRS, scaleStable ? stableRS : undefined, newCount, stableCount, maxAllowed, minAvailable);
  } else if (scaleStable) {
    stableCount = drain(stableRS, desiredStable, stableCount);
    [stableCount, newCount] = adjustWithinLimits(stableRS, newRS, stableCount, newCount, maxAllowed, minAvailable);
  }
  return { canary: newCount, stable: stableCount };
}

function adjustWithinLimits(drainRS: RSCounts | undefined, adjustRS: RSCounts | undefined, drainCount: number, adjustCount: number, maxAllowed: number, minAvailable: number): [number, number] {
  let over = Math.max(0, adjustCount + drainCount - maxAllowed);
  let available = drainRS ? Math.min(drainRS.available, drainCount) : 0;
  if (adjustRS) {
    adjustCount -= over;
    available += Math.min(adjustRS.available, adjustCount);
    const extra = Math.max(0, adjustRS.available - adjustCount);
    const needed = Math.max(0, minAvailable - available);
    adjustCount += Math.min(extra, needed);
    over = Math.max(0, adjustCount + drainCount - maxAllowed);
    drainCount -= over;
  }
  return [drainCount, adjustCount];
}

/** The weight the current step asks for (`GetCurrentSetWeight`). */
export function currentSetWeight(steps: readonly CanaryStep[], stepIndex: number, aborted: boolean): number {
  if (aborted) return 0;
  if (stepIndex >= steps.length) return MAX_WEIGHT;
  for (let i = stepIndex; i >= 0; i--) {
    const w = steps[i]?.setWeight;
    if (typeof w === 'number') return w;
  }
  return 0;
}
