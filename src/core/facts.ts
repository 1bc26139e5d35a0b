import type {
  ApplicationState,
  ChangeDiagnosis,
  MigrationWindow,
  WorkloadRef,
  WorkloadState,
} from './domain.ts';
import type { VerificationSpec } from './analysis/verification.ts';
import type { MetricsFacts } from './analysis/evidence.ts';
import type { RolloutHistory } from './rollout-history.ts';
import type { RolloutFacts } from './rollouts/rollout-facts.ts';
import type { DeclaredFlag, FlagEvidence } from './flags/types.ts';

/** A value and where it came from (the API call or file), so a plan can show its evidence. */
export interface Fact<T> {
  readonly value: T;
  /** e.g. "argocd GET /api/v1/applications/bookstore-catalog-us-east" or "git diff a1b2c3d..d8f3c2a". */
  readonly source: string;
}

export const Fact = {
  of<T>(value: T, source: string): Fact<T> {
    return Object.freeze({ value, source });
  },
} as const;

/** The app as configured in rewind.yaml (what rewind was told, not what it observed). */
export interface AppConfig {
  readonly name: string;
  readonly workload: WorkloadRef;
  /** Path of the app's folder in the config repo. */
  readonly repoPath?: string;
  /** Glob of migration files in the config repo. */
  readonly migrations?: string;
  readonly severity: 'P0' | 'P1' | 'P2';
  readonly slackChannel?: string;
  /** Feature flags that gate this app's risky changes (the fastest rollback when they cover it). */
  readonly flags: readonly DeclaredFlag[];
  /** `none`: no GitOps controller deploys it; rewind undoes the Deployment itself (absent: Argo CD). */
  readonly gitops?: 'none';
  /** `revert` in rewind.yaml: rewind pushes the revert (or pushes it for review); absent: a person does. */
  readonly revert?: 'push' | 'review';
  /** `autoSyncHold` in rewind.yaml: how the rollback is made to stick where the owner allows both (absent: disable). */
  readonly autoSyncHold?: 'disable' | 'pin';
  /** `verify` in rewind.yaml: the metrics that prove recovery (absent: the seed's default, if any). */
  readonly verify?: VerificationSpec;
  /** `database` in rewind.yaml: where its URL is kept (`env DATABASE_URL`, `file …`: never the URL) and how a down migration is confirmed. */
  readonly database?: { readonly reference: string; readonly downMigrations: 'confirm' | 'auto' };
}

/** Everything decide() needs, gathered in parallel and frozen. */
export interface Facts {
  readonly app: AppConfig;
  /** ISO-8601 UTC: when the facts were gathered. */
  readonly now: string;
  /** When the alert fired (--alert-at or the webhook's startsAt). */
  readonly alertAt?: string;
  /** Where `alertAt` came from when not --alert-at (e.g. "prometheus GET /api/v1/alerts: BookstoreCatalogP99Latency"). */
  readonly alertSource?: string;
  /** --to: the history id the user asked for. */
  readonly requestedId?: number;
  /** The Argo CD Application; absent when the app is not managed by Argo CD. */
  readonly application?: Fact<ApplicationState>;
  readonly workload: Fact<WorkloadState>;
  /** Step 0, for the chosen last-good..current window; absent when there is no target. */
  readonly migrations?: Fact<MigrationWindow>;
  /** Step 2, what the window changed; absent when there is no target. */
  readonly diagnosis?: Fact<ChangeDiagnosis>;
  /**
   * The image strings at the target revision (rendered from the config repo, or read from the
   * Deployment's ReplicaSet history). When absent, decide() falls back to the diagnosis'
   * `images[].from`, the image strings before the bad change.
   */
  readonly targetImages?: Fact<readonly string[]>;
  /**
   * History revisions the config repo no longer has (garbage-collected or force-pushed away);
   * absent when not checked. A pruned target cannot be synced, so decide() refuses it.
   */
  readonly prunedRevisions?: Fact<readonly string[]>;
  /** The Deployment's ReplicaSets by `deployment.kubernetes.io/revision` (what `rollout undo` can go back to). */
  readonly rolloutHistory?: Fact<RolloutHistory>;
  /** Runs of this app the local journal still has open (absent when the journal was not read). */
  readonly openRuns?: Fact<readonly OpenRun[]>;
  /**
   * Why the config repo could not be fetched (the git host is down): the facts read from git are
   * the local clone's, as of its last fetch. Absent when the fetch worked.
   */
  readonly configRepoStale?: Fact<string>;
  /** What the metrics store says (issue 12): alert, values now, whether metrics will be checked. */
  readonly metrics?: Fact<MetricsFacts>;
  /** The Argo Rollout (issue 17): canary step, ReplicaSets, AnalysisRuns; absent for other workloads or when not read. */
  readonly rollout?: Fact<RolloutFacts>;
  /** `--fix REV`: a fix named to roll forward to, checked like any revision (absent: none named). */
  readonly fix?: Fact<FixRevision>;
  /** Issue 14: the bad release's hunks and the declared flags' states (absent: the app declares no flag, or no window). */
  readonly flagEvidence?: Fact<FlagEvidence>;
  /**
   * Issue 13: Argo CD's API server did not answer (or not within `argocd.slowAfterSeconds`) when
   * the facts were gathered; absent when it did. `application` is then the Application CR read
   * through the Kubernetes API of the cluster Argo CD runs in, when that answered.
   */
  readonly argocdApi?: Fact<ArgoCdApiOutage>;
}

/** Argo CD's API unreachable or slow, and whether its Application CR could be read instead. */
export interface ArgoCdApiOutage {
  readonly state: 'unreachable' | 'slow';
  /** What failed ("connect ECONNREFUSED …", "no answer within 5 s"). */
  readonly reason: string;
  /** The Application CR: read (then `Facts.application` is it, read from `where`), or why not. */
  readonly cr: { readonly readable: true; readonly where: string } | { readonly readable: false; readonly reason: string };
}

export const ArgoCdApiOutage = {
  /** "Argo CD API unreachable: connect ECONNREFUSED …": the words a rejected Argo CD path gives. */
  describe(o: ArgoCdApiOutage): string {
    return `Argo CD API ${o.state === 'slow' ? 'slow' : 'unreachable'}: ${o.reason}`;
  },
} as const;

/** A fix revision (a commit on a branch, e.g. a pull request's head), as Step 0 and Step 2 read it against what runs. */
export interface FixRevision {
  /** As named (`fix/catalog-sku`, a hash). */
  readonly ref: string;
  /** Full hash. */
  readonly revision: string;
  /** Step 0 on running..fix: what the fix itself does to the schema. */
  readonly migrations: MigrationWindow;
  /** Step 2 on running..fix. */
  readonly diagnosis: ChangeDiagnosis;
  /** The images the fix renders (empty when unknown). */
  readonly images: readonly string[];
}

/** A run the journal has not closed: it may still hold what it changed. */
export interface OpenRun {
  readonly runId: string;
  readonly status: string;
  readonly startedAt: string;
}

/** Decision knobs; defaults in `defaultPolicy`. */
export interface Policy {
  /** A sync counts as "the deploy that caused it" when it landed within this window before the alert. */
  readonly correlationWindowMinutes: number;
  /** What a migration verdict of `review` does: block automatic execution or only warn. */
  readonly migrationReview: 'block' | 'warn';
  /**
   * `verdict` (the default): trust Step 0's analyzer (safe proceeds, review follows
   * `migrationReview`, unsafe and error refuse). `any-change`: any changed migration blocks.
   */
  readonly migrationGate?: 'any-change' | 'verdict';
  /** Expected seconds per step kind, for the plan's timings; unset kinds use the registry's estimate. */
  readonly expectedSeconds: Readonly<Record<string, number>>;
  /** Use this mechanism (by name) instead of the decision tree's first choice. */
  readonly mechanism?: string;
  /** Step 3d by rewind: `push` the revert, push it for `review`, or `none` (a person reverts; the default). */
  readonly revert?: 'push' | 'review' | 'none';
}

/** Facts of an app Argo CD manages: what the Argo CD checks and mechanism read. */
export type GitOpsFacts = Facts & { readonly application: Fact<ApplicationState> };

export const GitOpsFacts = {
  is(facts: Facts): facts is GitOpsFacts {
    return facts.application !== undefined;
  },
} as const;

export const defaultPolicy: Policy = Object.freeze({
  correlationWindowMinutes: 30,
  migrationReview: 'block',
  migrationGate: 'verdict',
  expectedSeconds: Object.freeze({}),
});
