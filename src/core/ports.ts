/**
 * The interfaces adapters implement. The core owns them; adapters never import each other.
 * Every method translates failures into `AdapterError` (system + operation) from ./errors.ts,
 * and `NotFoundError` when the named thing does not exist.
 */
import type { ApplicationState, ApplicationsSyncPolicy, ChangeDiagnosis, MigrationWindow, SyncPolicy, WorkloadRef, WorkloadState } from './domain.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { Hold, HoldLocation } from './hold.ts';
import type { MetricsAlert, QueryResult } from './metrics.ts';
import type { JournalRecord, RunSummary } from './run.ts';
import type { RolloutHistory } from './rollout-history.ts';
import type { Notice } from './comms.ts';
import type { RolloutFacts } from './rollouts/rollout-facts.ts';
import type { DeclaredFlag, FlagEvidence, FlagState } from './flags/types.ts';
import type { DownProgress, DownRun, SchemaSnapshot } from './db-schema.ts';

/** Argo CD (or another GitOps controller) as rewind needs it. */
export interface GitOpsClient {
  /** `argocd app get`: spec, status, history. */
  /** `refresh: 'hard'` also makes Argo CD re-read the repo (its branch cache may be stale). */
  getApplication(name: string, opts?: { refresh?: boolean | 'hard'; signal?: AbortSignal }): Promise<ApplicationState>;
  /** Writes `spec.syncPolicy.automated` (null removes it). Idempotent. */
  setSyncPolicy(name: string, policy: SyncPolicy): Promise<void>;
  /** Pins `spec.source.targetRevision`. Idempotent. */
  setTargetRevision(name: string, revision: string): Promise<void>;
  /** `argocd app rollback NAME ID`: refused by Argo CD while auto-sync is on. */
  rollback(name: string, id: number, opts: { prune: boolean; dryRun?: boolean }): Promise<void>;
  /** `argocd app sync NAME [--revision R]`. */
  sync(name: string, opts: { revision?: string; prune?: boolean }): Promise<void>;
  /**
   * Writes rewind's hold annotation with optimistic concurrency. Idempotent for the same run (a
   * hold of the same `runId` is replaced, e.g. when it is `left`); RefusedError when another run's
   * hold is there or appears while writing.
   */
  writeHold(name: string, hold: Hold, on?: HoldLocation): Promise<void>;
  /** Removes the hold when it is `runId`'s; nothing when there is none; RefusedError when another run's. */
  clearHold(name: string, runId: string, on?: HoldLocation): Promise<void>;
  /** Writes an ApplicationSet's `spec.syncPolicy.applicationsSync` (null: unset, upstream's `sync`). Idempotent. */
  setApplicationsSync(set: string, policy: ApplicationsSyncPolicy | null): Promise<void>;
  /** Argo CD's application stream for one app, so a wait notices a change at once (polling stays the fallback). */
  watchApplication?(name: string): ChangeFeed;
}

/** A Kubernetes cluster, reached through a kubeconfig context. */
export interface ClusterClient {
  /** Deployment/Rollout status plus its Pods' running digests (`containerStatuses[].imageID`). */
  getWorkload(ref: WorkloadRef, opts?: { signal?: AbortSignal }): Promise<WorkloadState>;
  /** A Kubernetes watch on the workload object, so a wait notices a change at once (polling stays the fallback). */
  watchWorkload?(ref: WorkloadRef): ChangeFeed;
}

export interface ChangedFile {
  readonly status: 'added' | 'modified' | 'deleted' | 'renamed';
  readonly path: string;
}

/** The GitOps config repository, through the real `git`. */
export interface ConfigRepo {
  /** Full hash of a revision; NotFoundError when it does not exist (e.g. pruned). */
  resolve(rev: string): Promise<string>;
  /** Files changed between two revisions, optionally limited to pathspecs; `renames: false` lists a rename as its delete and add (rename detection is on by default). */
  changedFiles(from: string, to: string, pathspecs?: readonly string[], options?: { readonly renames?: boolean }): Promise<readonly ChangedFile[]>;
  /** File content at a revision; undefined when the file does not exist there. */
  show(rev: string, path: string): Promise<string | undefined>;
  /**
   * Commits in from..to, newest first. `runIds`: the commit's `Rewind-Run:` trailers (the runs
   * that made it), so a run recognises its own commits by id, never by a subject anyone can type.
   */
  log(from: string, to: string): Promise<readonly { revision: string; subject: string; author: string; date: string; runIds?: readonly string[] }[]>;
  /**
   * True when `branch` contains a commit that reverts `bad` (a `git revert` or a later commit that
   * restores the content `bad` changed), or no longer contains `bad` at all.
   */
  hasRevertOf(bad: string, branch: string): Promise<boolean>;
  /** True when `branch` contains `revision` (it or a merge of it is in the branch's history): a roll-forward's fix has landed. */
  contains(revision: string, branch: string): Promise<boolean>;
  /** Updates the local copy from its remote when there is one. */
  fetch(): Promise<void>;
}

/** Step 2: what a window of the config repo changed, for one app. */
export interface ChangeDiagnoser {
  diagnose(from: string, to: string): Promise<ChangeDiagnosis>;
}

/** Step 0: the migrations a window of the config repo shipped, judged for the old binary. */
export interface MigrationChecker {
  /** `none` when no migration changed; never `none` when one changed but could not be judged. */
  migrations(from: string, to: string): Promise<MigrationWindow>;
}

/** Step 0 and Step 2 together, as fact gathering uses them. */
export interface ChangeAnalyzer extends ChangeDiagnoser, MigrationChecker {}

/** Append-only, resumable record of every action. */
export interface JournalStore {
  /** Appends one record durably (fsync or commit) before returning. */
  append(record: JournalRecord): Promise<void>;
  /** All records of a run, in order. */
  read(runId: string): Promise<readonly JournalRecord[]>;
  listRuns(app?: string): Promise<readonly RunSummary[]>;
  /**
   * One run per app at a time. Resolves to a release function; rejects with RefusedError
   * naming the holder when another live run holds the lease.
   */
  acquireLease(app: string, runId: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** An OCI distribution registry, as Step 3c needs it: what a tag names now. */
export interface ImageRegistry {
  /**
   * The manifest digest an image reference resolves to now (a pinned digest is returned as is),
   * with the request that said so. NotFoundError when the registry has no such tag.
   */
  resolveDigest(image: string, opts?: { signal?: AbortSignal }): Promise<{ readonly digest: string; readonly source: string }>;
}

/** Every container and init container of a workload's Pod template, as the config repo renders it. */
export interface TemplateSource {
  /** NotFoundError when the revision renders no such workload. */
  podTemplate(revision: string, opts?: { signal?: AbortSignal }): Promise<{
    readonly containers: readonly { readonly name: string; readonly image: string; readonly init: boolean }[];
    readonly source: string;
  }>;
}

/**
 * A metrics store that speaks PromQL (Prometheus, Thanos, Mimir, Cortex, the sandbox). Every
 * method is an idempotent read, so adapters may retry it. An empty vector or matrix is a valid
 * answer ("no series matched"), never an error and never a pass: callers decide what it means.
 * A query the store rejects (bad PromQL) is an AdapterError with `status` 400; an unreachable or
 * failing store is an AdapterError with `transient` set.
 */
export interface MetricsSource {
  /** `GET|POST /api/v1/query`; `time` defaults to the store's now. */
  query(promql: string, opts?: { time?: Date; signal?: AbortSignal }): Promise<QueryResult>;
  /** `GET|POST /api/v1/query_range`: always a matrix (possibly empty). */
  queryRange(promql: string, range: { start: Date; end: Date; stepSeconds: number }, opts?: { signal?: AbortSignal }): Promise<QueryResult & { kind: 'matrix' }>;
  /** Firing and pending alerts (Alertmanager's when configured, else Prometheus' own). */
  alerts(opts?: { signal?: AbortSignal }): Promise<readonly MetricsAlert[]>;
}

/**
 * `kubectl rollout history|undo` through the Kubernetes API, and rewind's hold on a Deployment no
 * GitOps controller manages (the `rewind.io/hold` annotation on the Deployment itself).
 */
export interface RolloutControl {
  /** The Deployment's ReplicaSets by `deployment.kubernetes.io/revision`, newest first, and its hold. */
  history(ref: WorkloadRef, opts?: { signal?: AbortSignal }): Promise<RolloutHistory>;
  /**
   * `kubectl rollout undo --to-revision N`, with kubectl's checks in kubectl's order: NotFoundError
   * when the revision is gone, RefusedError when paused, `skipped` when the template already matches.
   */
  undo(ref: WorkloadRef, toRevision: number): Promise<{ readonly outcome: 'rolled-back' | 'skipped'; readonly message: string }>;
  /** Writes the hold; RefusedError when another run's hold is there or the Deployment changed while writing. */
  writeHold(ref: WorkloadRef, hold: Hold): Promise<void>;
  /** Removes the hold when it is `runId`'s; nothing when there is none; RefusedError when another run's. */
  clearHold(ref: WorkloadRef, runId: string): Promise<void>;
}

/** Step 3d by rewind: revert the bad commit with the real git and push it. */
export interface RevertPublisher {
  /**
   * `git revert --no-edit BAD` in rewind's own clone of the config repo, then a push to `branch`;
   * to `reviewBranch` instead when `mode` is `review` or the tracked branch refuses the push.
   * RefusedError (with what to do) on a conflict or a revert touching files outside `appPath`.
   */
  revert(req: {
    readonly bad: string;
    readonly branch: string;
    readonly appPath: string;
    readonly mode: 'push' | 'review';
    readonly reviewBranch: string;
    readonly message: string;
  }): Promise<{ readonly pushedTo: string; readonly commit: string; readonly review: boolean; readonly why?: string }>;
}

/**
 * Step 4: somewhere people read (a Slack channel, a status page). `deliver` sends one notice and
 * returns the receiver's reference for it (a Slack `ts`, an incident id); `thread` is the
 * reference the run's first delivery to this target returned, so later notices can reply to it
 * or update it. Throws DeliveryError.
 */
export interface Notifier {
  /** "slack #bookstore-platform-status": names the receiver, never its URL or token. */
  readonly target: string;
  deliver(notice: Notice, thread: { readonly ref: string } | undefined, opts: { readonly signal: AbortSignal }): Promise<{ readonly ref?: string }>;
}

/**
 * Argo Rollouts through the Kubernetes API, as the `kubectl argo rollouts` plugin drives them
 * (argoproj/argo-rollouts `pkg/kubectl-argo-rollouts/cmd/{abort,retry,undo}`).
 */
export interface ArgoRolloutsControl {
  /** The Rollout, its ReplicaSets (with Pod digests), its AnalysisRuns and the templates they name. */
  read(ref: WorkloadRef, opts?: { signal?: AbortSignal }): Promise<RolloutFacts>;
  /** `{"status":{"abort":<abort>}}` as a merge patch on the status subresource, the main resource when that is not found. */
  setAbort(ref: WorkloadRef, abort: boolean): Promise<{ readonly request: string }>;
  /** The plugin's `promote [--full]`: its status patch (subresource first), then its spec patch. */
  promote(ref: WorkloadRef, full: boolean): Promise<{ readonly request: string }>;
  /** `spec.template` (of the Rollout, or of its `workloadRef` Deployment) from the ReplicaSet, hash label removed. */
  undoTo(ref: WorkloadRef, replicaSet: string): Promise<{ readonly request: string; readonly outcome: 'rolled-back' | 'skipped' }>;
  /** rewind's hold on the Rollout (no Application to carry it); RefusedError when another run's hold is there or the Rollout changed while writing. */
  writeHold(ref: WorkloadRef, hold: Hold): Promise<void>;
  /** Removes the hold when it is `runId`'s; nothing when there is none; RefusedError when another run's. */
  clearHold(ref: WorkloadRef, runId: string): Promise<void>;
}

/** Argo CD resource actions (`argocd app actions run`), checked by Argo CD's RBAC. */
export interface ResourceActions {
  /**
   * Runs `action` on a resource of `app`. RefusedError (with `status` 403 in the cause) when
   * Argo CD's RBAC denies it: nothing was changed.
   */
  run(app: string, resource: { readonly group: string; readonly version: string; readonly kind: string; readonly namespace: string; readonly name: string }, action: string): Promise<{ readonly request: string }>;
}

/**
 * Issue 14: one feature-flag provider (flagd definitions in the config repo, or Unleash). Errors:
 * NotFoundError when the provider has no such flag; AdapterError (not transient) when it refuses
 * (401/403); transient AdapterError when it cannot be reached.
 */
export interface FlagStore {
  /** The flag as its source of truth serves it now (flagd: the tracked branch's file; Unleash: the admin API). */
  read(flag: DeclaredFlag): Promise<FlagState & { readonly snapshot: string }>;
  /**
   * Turns it off at its source (flagd: a commit on the tracked branch switching `defaultVariant`
   * to the off variant and dropping targeting; Unleash: disable in the environment). Idempotent:
   * `changed: false` when it is already off.
   */
  turnOff(flag: DeclaredFlag, req: FlagWriteRequest): Promise<FlagWrite>;
  /** Puts back the definition `read` returned as `snapshot` (`rewind flags restore`). */
  restore(flag: DeclaredFlag, snapshot: string, req: FlagWriteRequest): Promise<FlagWrite>;
  /** What the running workload evaluates (flagd: the ConfigMap in the cluster; Unleash: the client API an SDK polls). */
  applied(flag: DeclaredFlag, opts?: { readonly signal?: AbortSignal }): Promise<FlagState>;
  /**
   * A change signal on what `applied` reads, to wake its wait (flagd: a Kubernetes watch on the
   * ConfigMap). Absent where the store has none: Unleash's client API is polled, as its SDKs do.
   */
  watchApplied?(flag: DeclaredFlag): ChangeFeed;
}

export interface FlagWriteRequest {
  readonly runId: string;
  /** Commit message trailer / audit text. */
  readonly message: string;
}

export interface FlagWrite {
  readonly changed: boolean;
  /** flagd: the pushed commit. */
  readonly commit?: string;
  /** Where it was written (`main`, `unleash development`). */
  readonly where: string;
}

/** Reads what the plan needs to judge flags for a window of the config repo. */
export interface FlagEvidenceReader {
  /**
   * `files` may still be on their way (the diagnosis lists them); `within`, the app's folder, lets
   * the reader start its diff before they arrive when they all turn out to lie in it (issue 19).
   */
  evidence(from: string, to: string, files: readonly string[] | Promise<readonly string[]>, flags: readonly DeclaredFlag[], within?: string): Promise<Omit<FlagEvidence, 'live'>>;
}

/**
 * Issue 13: Argo CD's Application as the custom resource it is (`applications.argoproj.io`),
 * through the Kubernetes API of the cluster Argo CD runs in, as `kubectl -n argocd get|patch
 * application` reaches it: the channel left when Argo CD's API server is down, since the
 * application controller reconciles the CRs, not the API.
 */
export interface ApplicationResource {
  /** Where a CR is read, for evidence: "kubernetes GET us-east: applications.argoproj.io/NAME -n argocd". */
  where(name: string): string;
  /** The CR as stored (the same JSON Argo CD's API serves); NotFoundError when missing. */
  get(name: string, opts?: { signal?: AbortSignal }): Promise<unknown>;
  /** A merge or JSON patch (RFC 7386 / 6902); a failed `test` or stale resourceVersion is an AdapterError with its status. */
  patch(name: string, type: 'merge' | 'json', body: unknown): Promise<unknown>;
}

/**
 * The app's PostgreSQL, for the down-migration steps (`db.*`). The adapter holds the URL; nothing
 * it returns or throws carries it.
 */
export interface SchemaDatabase {
  /** Where it is, for messages: host, port, database (no user, no password). */
  readonly description: string;
  snapshotSchema(): Promise<SchemaSnapshot>;
  /** What this run already applied of `path`: the marker each statement's transaction writes; undefined: nothing. */
  downProgress(runId: string, path: string): Promise<DownProgress | undefined>;
  /** Runs the down's statements from where the marker left off: one transaction when all allow it. */
  runDown(input: { readonly runId: string; readonly path: string; readonly sql: string }): Promise<DownRun>;
  /** DDL that rebuilds the user tables' shape (no rows), for a rehearsal elsewhere. Reads only. */
  schemaDdl(): Promise<readonly string[]>;
}

/** What a rehearsal of a down migration on a throwaway database found. */
export type DownRehearsalResult =
  | { readonly ok: true; readonly target: string; readonly statements: number; readonly inTransaction: boolean }
  /** `stage`: rebuilding the schema failed (the rehearsal could not check the down) or the down itself failed. */
  | { readonly ok: false; readonly target: string; readonly stage: 'schema' | 'down'; readonly statement: number; readonly error: string };

/** `--dry-run`'s replay of a down migration: the live schema rebuilt on a throwaway database, then the down run there. */
export interface DownRehearsal {
  rehearse(input: { readonly schema: readonly string[]; readonly sql: string }): Promise<DownRehearsalResult>;
}
