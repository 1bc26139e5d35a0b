import type { Facts, Policy } from '../facts.ts';
import type { LastKnownGood } from '../last-known-good.ts';
import type { PlanStep, PlanTarget } from '../plan.ts';
import type { PreflightResult } from '../preflight/types.ts';

/** What every mechanism reads: the facts, the policy, and the runbook's pre-flight answers. */
export interface MechanismInput {
  readonly facts: Facts;
  readonly policy: Policy;
  /** Pre-flight 2 on Argo CD's history; null when the app has no Argo CD Application. */
  readonly lkg: LastKnownGood | null;
  /** The pre-flight checks (empty without an Argo CD Application). */
  readonly checks: readonly PreflightResult[];
}

/**
 * A mechanism's answer. `decline`: it does not apply here (the tree goes on). `refuse`: it applies
 * but acting now would be unsafe; `noop`: it applies and there is nothing to do; `plan`: the steps.
 */
export type Proposal =
  | { readonly kind: 'plan'; readonly to: PlanTarget; readonly steps: readonly PlanStep[]; readonly reasons: readonly string[]; readonly warnings: readonly string[] }
  | { readonly kind: 'noop'; readonly to: PlanTarget | null; readonly reason: string }
  | { readonly kind: 'refuse'; readonly to: PlanTarget | null; readonly reasons: readonly string[]; readonly warnings: readonly string[] }
  | { readonly kind: 'decline'; readonly reason: string };

/**
 * One way of mitigating (a flag flip, an Argo CD rollback, `rollout undo`, …). Pure: `propose`
 * reads facts and returns data. Adding a mechanism is a folder under `core/mechanisms/`, an entry
 * in `mechanisms` (in the decision tree's order) and handlers for any new step kinds.
 */
export interface Mechanism {
  readonly name: string;
  /** What it does, in a few words ("flip the feature flag off"). */
  readonly summary: string;
  propose(input: MechanismInput): Proposal;
}

export const Proposal = {
  decline(reason: string): Proposal {
    return { kind: 'decline', reason };
  },
} as const;
