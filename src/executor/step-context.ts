import type { ClusterClient, Clock, GitOpsClient, ImageRegistry, TemplateSource } from '../core/ports.ts';
import type { Plan, PlanStep } from '../core/plan.ts';
import type { StepStatus } from '../core/run.ts';

/** Something worth showing while a run waits; the CLI prints it to stderr. */
export type ProgressEvent =
  | { readonly kind: 'step-started'; readonly step: number; readonly title: string; readonly at: string }
  | { readonly kind: 'step-ended'; readonly step: number; readonly title: string; readonly status: StepStatus; readonly at: string; readonly seconds: number; readonly evidence: readonly string[]; readonly error?: string }
  | { readonly kind: 'waiting'; readonly step: number; readonly message: string };

/** What Step 3c compares with: the target's Pod template, a registry for tags, the app's policy. */
export interface VerificationDeps {
  /** The app's Pod template at a revision (the config repo); absent: the plan's images only. */
  readonly templates?: TemplateSource;
  /** Resolves tags to digests; absent: a tag's digest cannot be known. */
  readonly registry?: ImageRegistry;
  /** `apps[].verify.allowUnresolvedTags`. */
  readonly allowUnresolvedTags: boolean;
}

export interface StepDeps {
  readonly gitops: GitOpsClient;
  readonly cluster: ClusterClient;
  readonly clock: Clock;
  readonly progress: (event: ProgressEvent) => void;
  readonly verification?: VerificationDeps;
}

export interface StepContext extends StepDeps {
  readonly plan: Plan;
  readonly index: number;
  readonly signal: AbortSignal;
  /** Deadline for waits, as epoch ms on `clock`. */
  readonly deadline: number;
  readonly dryRun: boolean;
}

export interface StepOutcome {
  readonly status: StepStatus;
  readonly evidence: readonly string[];
  readonly error?: string;
}

/** Performs one step. Must be idempotent: it re-reads live state and skips what is already done. */
export type StepHandler<S extends PlanStep = PlanStep> = (step: S, ctx: StepContext) => Promise<StepOutcome>;

export const StepOutcome = {
  succeeded(...evidence: string[]): StepOutcome {
    return { status: 'succeeded', evidence };
  },
  skipped(...evidence: string[]): StepOutcome {
    return { status: 'skipped', evidence };
  },
  failed(error: string, ...evidence: string[]): StepOutcome {
    return { status: 'failed', evidence, error };
  },
} as const;
