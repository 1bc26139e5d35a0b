import type { FailureKind } from '../core/exit-codes.ts';
import type { ArgoRolloutsControl, ClusterClient, Clock, ConfigRepo, FlagStore, GitOpsClient, ImageRegistry, MetricsSource, ResourceActions, RevertPublisher, RolloutControl, SchemaDatabase, TemplateSource, DownRehearsal } from '../core/ports.ts';
import type { DeclaredFlag } from '../core/flags/types.ts';
import type { Plan, PlanStep } from '../core/plan.ts';
import type { StepStatus } from '../core/run.ts';
import type { StepDefinition } from '../core/steps/index.ts';
import { InternalError } from '../core/errors.ts';

/** Something worth showing while a run waits; the CLI prints it to stderr. */
export type ProgressEvent =
  | { readonly kind: 'step-started'; readonly step: number; readonly title: string; readonly at: string }
  | { readonly kind: 'step-ended'; readonly step: number; readonly title: string; readonly status: StepStatus; readonly at: string; readonly seconds: number; readonly evidence: readonly string[]; readonly error?: string }
  | { readonly kind: 'waiting'; readonly step: number; readonly message: string }
  /** A wait ended: how it saw the state (wait.ts `Noticed`); for timing reports, printed by nobody. */
  /** `atMs`: epoch ms on this host when the read that saw the state ended (to compare with the system's own record of reaching it). */
  | { readonly kind: 'noticed'; readonly step: number; readonly via: 'stream' | 'poll' | 'first'; readonly ms?: number; readonly atMs?: number };

/** What Step 3c compares with: the target's Pod template, a registry for tags, the app's policy. */
export interface VerificationDeps {
  /** The app's Pod template at a revision (the config repo); absent: the plan's images only. */
  readonly templates?: TemplateSource;
  /** Resolves tags to digests; absent: a tag's digest cannot be known. */
  readonly registry?: ImageRegistry;
  /** `apps[].verify.allowUnresolvedTags`. */
  readonly allowUnresolvedTags: boolean;
}

/** The ports a run reaches systems through. `repo` is absent when rewind.yaml has no configRepo. */
export interface StepDeps {
  readonly gitops: GitOpsClient;
  readonly cluster: ClusterClient;
  readonly repo?: ConfigRepo;
  readonly clock: Clock;
  readonly progress: (event: ProgressEvent) => void;
  readonly verification?: VerificationDeps;
  /** Prometheus for `verify.metrics`; absent when rewind.yaml has none (metrics are then not checked). */
  readonly metrics?: MetricsSource;
  /** `rollout undo` and the Deployment hold, for the plan's workload cluster (kube.* steps). */
  readonly kube?: RolloutControl;
  /** git revert and push (followup.revert); absent when rewind.yaml has no configRepo. */
  readonly revert?: RevertPublisher;
  /** Argo Rollouts through the Kubernetes API (rollouts.* steps). */
  readonly argoRollouts?: ArgoRolloutsControl;
  /** Argo CD resource actions (rollouts.* steps whose channel is Argo CD). */
  readonly actions?: ResourceActions;
  /** The app's declared flags and their providers (flag.* steps); absent when it declares none. */
  readonly flags?: FlagStores;
  /** The app's PostgreSQL (db.* steps); built from apps[].database for plans with a down migration. */
  readonly db?: SchemaDatabase;
  /** `--dry-run`'s replay of a down migration on a throwaway database. */
  readonly rehearsal?: DownRehearsal;
}

/** A declared flag of the plan's app with the store that serves it; undefined when rewind.yaml no longer declares it. */
export type FlagStores = (key: string) => Promise<{ readonly flag: DeclaredFlag; readonly store: FlagStore } | undefined>;

export interface StepContext extends StepDeps {
  readonly plan: Plan;
  /** Who acts: the run, its actor and host (they go into the hold), and why. */
  readonly runId: string;
  readonly actor: string;
  readonly host: string;
  readonly reason?: string;
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
  /** Why it failed (decides the exit code); the step definition's default when absent. */
  readonly failure?: FailureKind;
}

/**
 * Performs one step kind. Must be idempotent: it re-reads live state and skips what is already
 * done, which is what makes `resume` safe after a crash between intent and outcome.
 */
export interface StepHandler<P> {
  readonly definition: StepDefinition<P>;
  run(params: P, ctx: StepContext, step: PlanStep): Promise<StepOutcome>;
}

/**
 * An optional port a step's definition lists: the run builds it for plans with such steps, so its
 * absence is a bug. (A missing config repo never gets here: the executor makes the step wait,
 * pending, naming what to configure.)
 */
export function portOf<K extends 'repo' | 'kube' | 'revert' | 'argoRollouts'>(ctx: StepContext, port: K): NonNullable<StepContext[K]> {
  const value = ctx[port];
  if (value === undefined) throw new InternalError(`step ${ctx.plan.steps[ctx.index]?.kind ?? '?'} ran without the ${port} port its definition lists`);
  return value;
}

export const repoOf = (ctx: StepContext): ConfigRepo => portOf(ctx, 'repo');

export function handle<P>(definition: StepDefinition<P>, run: (params: P, ctx: StepContext, step: PlanStep) => Promise<StepOutcome>): StepHandler<P> {
  return { definition, run };
}

export const StepOutcome = {
  succeeded(...evidence: string[]): StepOutcome {
    return { status: 'succeeded', evidence };
  },
  skipped(...evidence: string[]): StepOutcome {
    return { status: 'skipped', evidence };
  },
  pending(...evidence: string[]): StepOutcome {
    return { status: 'pending', evidence };
  },
  failed(error: string, ...evidence: string[]): StepOutcome {
    return { status: 'failed', evidence, error };
  },
  /** Failed for a stated reason: `refused` (the world moved on), `system`, `verification`. */
  failedAs(failure: FailureKind, error: string, ...evidence: string[]): StepOutcome {
    return { status: 'failed', evidence, error, failure };
  },
} as const;
