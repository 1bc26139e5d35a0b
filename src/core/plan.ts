import type { WorkloadRef } from './domain.ts';

/** A piece of evidence behind a decision: what was seen, and where. */
export interface Evidence {
  readonly claim: string;
  readonly source: string;
}

/**
 * A plan runs in phases: mitigate (stop the harm), verify (prove the service recovered), and
 * follow-up (make git agree, give back what the run held). One run, one journal, all three.
 */
export type Phase = 'mitigate' | 'verify' | 'follow-up';
export const PHASES: readonly Phase[] = ['mitigate', 'verify', 'follow-up'];

/**
 * One step. `kind` is namespaced by the system it acts on (`argocd.rollback`, `verify.digest`,
 * `followup.await-revert`) and registered once in `core/steps/` with its parameter schema; saved
 * plans are validated against that registry before anything runs.
 */
export interface PlanStep<P = unknown> {
  readonly kind: string;
  readonly phase: Phase;
  readonly title: string;
  /** The object the step acts on, e.g. "argocd app bookstore-catalog-us-east". */
  readonly target: string;
  readonly expectedSeconds: number;
  readonly evidence: readonly Evidence[];
  /** What must hold after the step (checked by the executor). */
  readonly checks: readonly string[];
  readonly params: P;
}

/** The target of a plan, in the chosen mechanism's own terms. */
export type PlanTarget =
  | {
      readonly kind: 'argocd-history';
      readonly historyId: number;
      readonly revision: string;
      readonly deployedAt: string;
    }
  | {
      /** `rollout undo`: a ReplicaSet of the Deployment, by `deployment.kubernetes.io/revision`. */
      readonly kind: 'replicaset-revision';
      readonly replicaSetRevision: number;
      readonly replicaSet: string;
      /** The config repo revision that renders this template, when known (an Argo CD app); '' otherwise. */
      readonly revision: string;
      /** The Argo CD history entry of `revision`, when known. */
      readonly historyId: number | null;
    }
  | {
      /** Roll forward: a fix revision not yet deployed (no history entry). */
      readonly kind: 'fix-revision';
      readonly revision: string;
      /** The fix as named (`--fix fix/catalog-sku`). */
      readonly ref: string;
      readonly historyId: null;
    }
  | {
      /** Issue 14: the feature-flag kill switch. Nothing is rolled back: these flags go off. */
      readonly kind: 'flag-off';
      readonly flags: readonly string[];
      /** No revision is deployed back: ''. */
      readonly revision: string;
      readonly historyId: null;
    };

export type Decision =
  /** Execute the steps. */
  | 'rollback'
  /** Nothing to do: the app already runs the target. */
  | 'noop'
  /** rewind will not act; `reasons` say why and what to do instead. */
  | 'refuse';

/** A mechanism the decision tree did not choose, and why. */
export interface Rejection {
  readonly mechanism: string;
  readonly reason: string;
}

/**
 * What the plan assumed about live state, as flat observations (`argocd.latestHistoryId: 42`);
 * `rollback --plan` and the executor's pre-flight re-read them and refuse when any differs.
 */
export type Assumptions = Readonly<Record<string, string | number | boolean | null>>;

export const PLAN_VERSION = 2;

export interface Plan {
  readonly kind: 'Plan';
  readonly version: typeof PLAN_VERSION;
  readonly app: string;
  /** The workload the app deploys (where digests are verified). */
  readonly workload: WorkloadRef;
  readonly decision: Decision;
  /** The mechanism the decision tree chose; null when none applies. */
  readonly mechanism: string | null;
  /** Every mechanism not chosen, in decision-tree order, with its reason. */
  readonly rejected: readonly Rejection[];
  /** Why this decision, in order of importance. */
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
  /** What runs now: the deployed config revision and its history entry, when known. */
  readonly from: { readonly historyId: number | null; readonly revision: string | null };
  readonly to: PlanTarget | null;
  readonly steps: readonly PlanStep[];
  /** Pre-flight answers, each with its evidence. */
  readonly preflight: readonly PreflightCheck[];
  readonly createdAt: string;
  readonly assumptions: Assumptions;
}

export type PreflightStatus = 'pass' | 'warn' | 'fail' | 'info';

export interface PreflightCheck {
  /**
   * Stable id: "correlation", "last-known-good", "sync-mode", "ownership", "schema", "diagnosis",
   * "workload", "operation".
   */
  readonly id: string;
  readonly title: string;
  readonly status: PreflightStatus;
  readonly detail: string;
  readonly evidence: readonly Evidence[];
}

export const Plan = {
  is(v: unknown): v is Plan {
    return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Plan';
  },
  /** The steps of one phase, with their indexes in the plan. */
  phase(plan: Plan, phase: Phase): { readonly index: number; readonly step: PlanStep }[] {
    return plan.steps.map((step, index) => ({ index, step })).filter((s) => s.step.phase === phase);
  },
} as const;
