import type { Evidence, Phase, Plan, PlanStep } from '../plan.ts';
import type { Schema } from '../schema.ts';

/**
 * The ports a step's handler needs. The executor checks them before the step acts: a step needing
 * the config repo waits (pending) while rewind.yaml has none. `gitops` and `cluster` are always built;
 * `kube` (rollout undo and the Deployment hold) and `revert` (git revert and push) when a plan needs them.
 * `metrics` (Prometheus) is optional in another way: without it the step records that metrics
 * were not checked and the run ends `rolled-back` (its handler decides; nothing waits on it).
 */
export type PortName = 'gitops' | 'cluster' | 'repo' | 'kube' | 'revert' | 'metrics' | 'rollouts' | 'flags' | 'db';

/**
 * A step kind, registered once: its phase, parameter schema, the ports it needs and how it
 * relates to the plan. Handlers (the I/O) live in the executor; this half is pure, so saved plans
 * can be validated and runs described without touching a system.
 */
export interface StepDefinition<P> {
  readonly kind: string;
  readonly phase: Phase;
  readonly params: Schema<P>;
  readonly ports: readonly PortName[];
  /** Estimate for the plan's timings. */
  readonly expectedSeconds: number;
  /** How a failure of this step ends the run when the handler does not say: see exit-codes.ts. */
  readonly failure: 'system' | 'verification' | 'refused';
  /** Saved plans: what in the params contradicts `plan.to`; undefined when consistent. */
  contradicts?(params: P, plan: Plan): string | undefined;
  /** What a succeeded step of this kind leaves changed until a later step releases it. */
  holds?(params: P, plan: Plan): string;
  /** Kinds whose holds a succeeded step of this kind gives back. */
  readonly releases?: readonly string[];
  /** A step that waits on people: while it is pending the run is `awaiting-<what>`. */
  readonly awaits?: 'revert';
  /**
   * A wait that judges an earlier action: when it failed, `resume` re-runs from the nearest
   * earlier step of this kind (its handler skips what already took), since waiting again on an
   * operation that ended failed would only fail again.
   */
  readonly redoFrom?: string;
}

export function defineStep<P>(definition: StepDefinition<P>): StepDefinition<P> {
  return Object.freeze(definition);
}

/** What a mechanism fills in for one step; phase and timing come from the definition. */
export interface StepFields {
  readonly title: string;
  readonly target: string;
  readonly evidence: readonly Evidence[];
  readonly checks: readonly string[];
}

export function makeStep<P>(definition: StepDefinition<P>, fields: StepFields, params: P, expectedSeconds?: number): PlanStep<P> {
  return { kind: definition.kind, phase: definition.phase, ...fields, expectedSeconds: expectedSeconds ?? definition.expectedSeconds, params };
}
