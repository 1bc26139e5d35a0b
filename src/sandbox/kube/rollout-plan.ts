/**
 * How many replicas each ReplicaSet of a Deployment should have next: the decision half of
 * the Deployment controller, pure, after kubernetes/pkg/controller/deployment
 * (`reconcileNewReplicaSet`, `reconcileOldReplicaSets`, `rolloutRecreate`).
 *
 * ### Examples
 * 3 replicas, maxSurge 25% (→1), maxUnavailable 25% (→0), a new template: the new ReplicaSet
 * goes to 1, then each time a new pod becomes available an old one goes away.
 */
import type { IntOrString } from './types.ts';

export interface ReplicaSetFacts {
  readonly name: string;
  readonly revision: number;
  readonly specReplicas: number;
  /** Pods that exist (status.replicas). */
  readonly replicas: number;
  readonly availableReplicas: number;
}

export interface RolloutFacts {
  readonly desired: number;
  readonly strategy: 'RollingUpdate' | 'Recreate';
  readonly maxSurge: IntOrString | undefined;
  readonly maxUnavailable: IntOrString | undefined;
  readonly newRS: ReplicaSetFacts;
  readonly oldRSs: readonly ReplicaSetFacts[];
}

/** Target `spec.replicas` by ReplicaSet name; only the ones that change are listed. */
export type ScalePlan = ReadonlyMap<string, number>;

/** An int-or-percent against `total`; surge rounds up, unavailability rounds down, as upstream. */
export function resolveIntOrPercent(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function maxSurgeAndUnavailable(facts: Pick<RolloutFacts, 'desired' | 'maxSurge' | 'maxUnavailable'>): { surge: number; unavailable: number } {
  const surge = resolveIntOrPercent(facts.maxSurge ?? '25%', facts.desired, true);
  let unavailable = resolveIntOrPercent(facts.maxUnavailable ?? '25%', facts.desired, false);
  // Both zero would deadlock the rollout; upstream allows one unavailable pod then.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, facts.desired) };
}

export function planRollout(facts: RolloutFacts): ScalePlan {
  return facts.strategy === 'Recreate' ? planRecreate(facts) : planRollingUpdate(facts);
}

function planRecreate(facts: RolloutFacts): ScalePlan {
  const plan = new Map<string, number>();
  const activeOld = facts.oldRSs.filter((rs) => rs.specReplicas > 0);
  if (activeOld.length > 0) {
    for (const rs of activeOld) plan.set(rs.name, 0);
    return plan;
  }
  // Recreate waits for every old pod to be gone before the new ones start.
  if (facts.oldRSs.some((rs) => rs.replicas > 0)) return plan;
  if (facts.newRS.specReplicas !== facts.desired) plan.set(facts.newRS.name, facts.desired);
  return plan;
}

function planRollingUpdate(facts: RolloutFacts): ScalePlan {
  const plan = new Map<string, number>();
  const { surge, unavailable } = maxSurgeAndUnavailable(facts);
  const { desired } = facts;
  let newReplicas = facts.newRS.specReplicas;
  const old = facts.oldRSs.map((rs) => ({ ...rs }));
  const total = (): number => newReplicas + old.reduce((n, rs) => n + rs.specReplicas, 0);

  // Scale the new ReplicaSet up, within the surge.
  if (newReplicas > desired) newReplicas = desired;
  else if (newReplicas < desired) {
    const room = desired + surge - total();
    if (room > 0) newReplicas += Math.min(room, desired - newReplicas);
  }

  // Scale old ReplicaSets down, keeping `desired - unavailable` pods available.
  const minAvailable = desired - unavailable;
  const newUnavailable = newReplicas - facts.newRS.availableReplicas;
  let maxScaledDown = total() - minAvailable - newUnavailable;
  const byAge = [...old].sort((a, b) => a.revision - b.revision);
  if (maxScaledDown > 0) {
    // First the old pods that are not available anyway.
    for (const rs of byAge) {
      const unhealthy = Math.max(0, rs.specReplicas - rs.availableReplicas);
      const cut = Math.min(unhealthy, maxScaledDown);
      rs.specReplicas -= cut;
      maxScaledDown -= cut;
    }
    // Then available ones, as long as enough stay available.
    const available = facts.newRS.availableReplicas + old.reduce((n, rs) => n + Math.min(rs.availableReplicas, rs.specReplicas), 0);
    let allowed = Math.min(available - minAvailable, maxScaledDown);
    for (const rs of byAge) {
      if (allowed <= 0) break;
      const cut = Math.min(rs.specReplicas, allowed);
      rs.specReplicas -= cut;
      allowed -= cut;
    }
  }

  if (newReplicas !== facts.newRS.specReplicas) plan.set(facts.newRS.name, newReplicas);
  for (const rs of old) {
    const before = facts.oldRSs.find((o) => o.name === rs.name)!;
    if (rs.specReplicas !== before.specReplicas) plan.set(rs.name, rs.specReplicas);
  }
  return plan;
}

/** Whether a rollout is done, as `kubectl rollout status` and the Progressing condition judge it. */
export function rolloutComplete(s: { desired: number; replicas: number; updated: number; available: number }): boolean {
  return s.updated === s.desired && s.replicas === s.desired && s.available === s.desired;
}
