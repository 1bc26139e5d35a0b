import type { SyncPolicy, WorkloadRef } from './domain.ts';

/** A piece of evidence behind a decision: what was seen, and where. */
export interface Evidence {
  readonly claim: string;
  readonly source: string;
}

/** Step kinds rewind can execute. Each is idempotent: re-running it after a crash is safe. */
export type StepKind =
  | 'preflight'
  | 'disable-auto-sync'
  | 'pin-target-revision'
  | 'argocd-rollback'
  | 'wait-healthy'
  | 'verify-digest'
  | 'record-revert-pending';

export interface StepParams {
  readonly 'disable-auto-sync': { readonly saved: SyncPolicy };
  readonly 'pin-target-revision': { readonly revision: string; readonly previousTargetRevision: string; readonly saved: SyncPolicy };
  readonly 'argocd-rollback': { readonly id: number; readonly revision: string; readonly prune: boolean };
  readonly 'wait-healthy': { readonly revision: string };
  readonly 'verify-digest': { readonly expectedImages: readonly string[] };
  readonly 'record-revert-pending': { readonly badRevision: string; readonly trackedBranch: string; readonly saved: SyncPolicy };
  readonly preflight: { readonly checks: readonly string[] };
}

export interface PlanStep<K extends StepKind = StepKind> {
  readonly kind: K;
  readonly title: string;
  /** The object the step acts on, e.g. "argocd app bookstore-catalog-us-east". */
  readonly target: string;
  readonly expectedSeconds: number;
  readonly evidence: readonly Evidence[];
  /** What must hold after the step (checked by the executor). */
  readonly checks: readonly string[];
  readonly params: StepParams[K];
}

export type Decision =
  /** Execute the steps. */
  | 'rollback'
  /** Nothing to do: the app already runs the target. */
  | 'noop'
  /** rewind will not act; `reasons` say why and what to do instead. */
  | 'refuse';

export interface Plan {
  readonly kind: 'Plan';
  readonly version: 1;
  readonly app: string;
  /** The workload the app deploys (where digests are verified). */
  readonly workload: WorkloadRef;
  readonly decision: Decision;
  /** Why this decision, in order of importance. */
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
  readonly from: { readonly historyId: number | null; readonly revision: string };
  readonly to: { readonly historyId: number; readonly revision: string; readonly deployedAt: string } | null;
  readonly steps: readonly PlanStep[];
  /** Pre-flight answers, each with its evidence. */
  readonly preflight: readonly PreflightCheck[];
  readonly createdAt: string;
  /**
   * What the plan assumed about live state; `rollback --plan` re-reads and refuses when any differs.
   */
  readonly assumptions: {
    readonly currentRevision: string;
    readonly latestHistoryId: number | null;
    readonly autoSync: boolean;
    readonly targetRevision: string;
  };
}

export type PreflightStatus = 'pass' | 'warn' | 'fail' | 'info';

export interface PreflightCheck {
  /**
   * Stable id: "correlation", "last-known-good", "sync-mode", "ownership", "schema", "diagnosis",
   * "feature-flag", "workload", "operation".
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
} as const;

