import type { HoldLocation, HoldReading } from './hold.ts';

/**
 * What rewind knows about the world, as plain frozen data. Adapters produce these values;
 * the decision core reads them. Nothing here does I/O.
 */

export type WorkloadKind = 'Deployment' | 'Rollout';

export interface WorkloadRef {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly name: string;
}

/** One entry of an Argo CD Application's `status.history[]`. */
export interface HistoryEntry {
  readonly id: number;
  /** Full git hash. */
  readonly revision: string;
  /** ISO-8601 UTC. */
  readonly deployedAt: string;
  /** ISO-8601 UTC: when the sync began (Argo CD's `deployStartedAt`); PreSync hooks, migrations among them, run from here. */
  readonly deployStartedAt?: string;
  readonly source?: { readonly repoURL: string; readonly path?: string; readonly targetRevision?: string };
  readonly initiatedBy?: { readonly username?: string; readonly automated?: boolean };
}

export interface AutomatedSync {
  readonly prune: boolean;
  readonly selfHeal: boolean;
  /** Argo CD >= 3.1 can keep the block and switch it off; older servers drop the block. */
  readonly enabled: boolean;
}

export interface SyncPolicy {
  /** null when automated sync is not configured at all. */
  readonly automated: AutomatedSync | null;
}

export const SyncPolicy = {
  isAutoSyncOn(p: SyncPolicy): boolean {
    return p.automated !== null && p.automated.enabled;
  },
} as const;

/** Who owns the Application: a parent puts `syncPolicy` back unless told to ignore it. */
export interface AppOwner {
  readonly kind: 'ApplicationSet' | 'Application';
  readonly name: string;
  /** The owning ApplicationSet's rules, when `kind` is ApplicationSet and it could be read. */
  readonly applicationSet?: AppSetRules;
  /** The parent app's policy, when `kind` is Application and it could be read. */
  readonly parent?: ParentApp;
  /** Why the owner could not be read (absent when it was): its rules are unknown, not "none". */
  readonly unreadable?: string;
  /**
   * A hold rewind wrote on the owner (an ApplicationSet wipes its apps' annotations, so a run
   * holding one of them keeps the hold there). It names the app it holds: one of this app's
   * siblings when `app` differs.
   */
  readonly hold?: HoldReading;
}

/** `create-only`, `create-update`, `create-delete`, `sync`: what an ApplicationSet may do to its apps. */
export type ApplicationsSyncPolicy = 'create-only' | 'create-update' | 'create-delete' | 'sync';

/** What an ApplicationSet re-applies to one of its apps, and what it leaves alone. */
export interface AppSetRules {
  /** `ignoreApplicationDifferences` JSON pointers that apply to this app (rules without a name, or naming it). */
  readonly ignoredPointers: readonly string[];
  /** Rules written as jq expressions, which rewind does not evaluate (so it cannot say what they cover). */
  readonly jqPathExpressions: readonly string[];
  readonly preservedAnnotations: readonly string[];
  readonly preservedLabels: readonly string[];
  /** `spec.syncPolicy.applicationsSync` as written; absent means upstream's default, `sync`. */
  readonly applicationsSync?: ApplicationsSyncPolicy;
  /** The other Applications the set generates (a held set freezes them too). */
  readonly siblings?: readonly string[];
  /**
   * The Argo CD app that deploys the set from git (its tracking label or annotation), with that
   * app's policy when it could be read: with auto-sync on, a change to the set is put back.
   */
  readonly managedBy?: { readonly name: string; readonly autoSync?: boolean; readonly selfHeal?: boolean };
}

/** An app-of-apps parent: with auto-sync and self-heal on, it puts its child's spec back. */
export interface ParentApp {
  readonly autoSync: boolean;
  readonly selfHeal: boolean;
  /** The parent's sync policy as read, which a run holding the parent saves and gives back. */
  readonly syncPolicy: SyncPolicy;
  /** Who owns the parent in turn (an ApplicationSet or another parent), by name only. */
  readonly owner?: { readonly kind: 'ApplicationSet' | 'Application'; readonly name: string };
}

export const AppSetRules = {
  /** What the set does when `applicationsSync` is unset. */
  effectivePolicy: (r: AppSetRules): ApplicationsSyncPolicy => r.applicationsSync ?? 'sync',
  /** True when the set leaves `pointer` (e.g. `/spec/source/targetRevision`) as the app has it: a rule names it or a parent of it. */
  ignores: (r: AppSetRules, pointer: string): boolean =>
    AppSetRules.effectivePolicy(r) === 'create-only' ||
    AppSetRules.effectivePolicy(r) === 'create-delete' ||
    r.ignoredPointers.some((p) => pointer === p || pointer.startsWith(`${p}/`)),
} as const;

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** An Argo CD Application as `argocd app get` shows it. */
export interface ApplicationState {
  readonly name: string;
  readonly project: string;
  readonly source: { readonly repoURL: string; readonly path: string; readonly targetRevision: string };
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace: string };
  readonly syncPolicy: SyncPolicy;
  /** Effective limit (Argo CD's default is 10). */
  readonly revisionHistoryLimit: number;
  readonly sync: { readonly status: SyncStatus; readonly revision: string };
  readonly health: { readonly status: HealthStatus; readonly message?: string };
  /** Oldest first, as Argo CD stores it. */
  readonly history: readonly HistoryEntry[];
  readonly operation?: {
    readonly phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
    readonly message?: string;
    readonly revision?: string;
    readonly finishedAt?: string;
  };
  /** `status.summary.images`: the spec's image strings, not digests. */
  readonly images: readonly string[];
  readonly owner?: AppOwner;
  /** rewind's hold annotation (`rewind.io/hold`) as read, when the app carries one. */
  readonly hold?: HoldReading;
  /** Where `hold` was read: absent, on the app; else on its ApplicationSet. */
  readonly holdOn?: HoldLocation;
  /** `spec.ignoreDifferences` as written (absent: none). */
  readonly ignoreDifferences?: readonly IgnoreDifferenceRule[];
  /** `spec.syncPolicy.syncOptions` as written (`RespectIgnoreDifferences=true`, ...). */
  readonly syncOptions?: readonly string[];
}

/** One `spec.ignoreDifferences[]` rule: the fields Argo CD leaves out of its diff for the resources it matches. */
export interface IgnoreDifferenceRule {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers: readonly string[];
  /** Rules in jq, which rewind does not evaluate. */
  readonly jqPathExpressions: readonly string[];
}

export interface PodImage {
  readonly pod: string;
  readonly container: string;
  /** As written in the spec (may be a tag). */
  readonly image: string;
  /** `status.containerStatuses[].imageID`: the digest actually running ("" while pulling). */
  readonly imageID: string;
  readonly ready: boolean;
  readonly restartCount: number;
  /** An init container (`initContainerStatuses`); absent means a regular one. */
  readonly init?: boolean;
  /**
   * `imageID` exactly as the runtime reported it (`repo@sha256:…`, `docker-pullable://repo@sha256:…`,
   * or `docker://sha256:<config id>`, which names no registry digest); see core/image-id.ts.
   */
  readonly runtimeImageID?: string;
  /** `state.waiting` (CrashLoopBackOff, ImagePullBackOff, ...): why the container is not running. */
  readonly waiting?: { readonly reason: string; readonly message?: string };
  /** `lastState.terminated`: how the previous run ended (a crash loop's evidence). */
  readonly lastTerminated?: { readonly reason?: string; readonly exitCode?: number };
}

export interface WorkloadState {
  readonly ref: WorkloadRef;
  readonly generation: number;
  readonly observedGeneration: number;
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly paused: boolean;
  /** Container images in the spec's pod template (`init` marks init containers). */
  readonly images: readonly { readonly container: string; readonly image: string; readonly init?: boolean }[];
  /** `lastUpdateTime` tells a condition the controller wrote for this rollout from a stale one. */
  readonly conditions: readonly {
    readonly type: string;
    readonly status: string;
    readonly reason?: string;
    readonly message?: string;
    readonly lastUpdateTime?: string;
    readonly lastTransitionTime?: string;
  }[];
  readonly pods: readonly PodImage[];
}

export const WorkloadState = {
  /** kubectl's `rollout status` gate. */
  isRolledOut(w: WorkloadState): boolean {
    return (
      w.observedGeneration >= w.generation &&
      w.updatedReplicas === w.replicas &&
      w.availableReplicas >= w.updatedReplicas &&
      !w.conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')
    );
  },
  deadlineExceeded(w: WorkloadState): boolean {
    return w.conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  },
} as const;

/** What one commit of the config repo changed, as Step 2 classifies it. */
export type ChangeKind =
  | 'image-digest'
  | 'image-tag'
  | 'kustomize-patch'
  | 'helm-values'
  | 'config-only'
  | 'migration'
  | 'crd'
  | 'other';

export interface ImageChange {
  readonly name: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export interface ChangeDiagnosis {
  readonly kinds: readonly ChangeKind[];
  readonly files: readonly string[];
  readonly images: readonly ImageChange[];
  /** Commit subjects between last-good and current, newest first. */
  readonly commits: readonly { readonly revision: string; readonly subject: string; readonly author: string }[];
}

export type MigrationVerdict = 'safe' | 'review' | 'unsafe' | 'error';

/** Step 0's answer for the window between last-good and current. */
export interface MigrationWindow {
  /** 'none' when no migration changed in the window. */
  readonly verdict: MigrationVerdict | 'none';
  readonly files: readonly {
    readonly path: string;
    readonly verdict: MigrationVerdict;
    readonly reasons: readonly string[];
    /** The paired down migration, when the layout has a place for one (absent: not looked for). */
    readonly down?: MigrationDown;
  }[];
}

/** A migration's down file as Step 0's analyzer paired and judged it. */
export interface MigrationDown {
  /** Where the layout keeps it (`0042_x.down.sql`, diesel's `down.sql`, Flyway's `U…`); absent when the layout has no place for one. */
  readonly path?: string;
  readonly exists: boolean;
  /** What running it destroys ("column orders.kyc_status"): data written there since is lost. */
  readonly drops: readonly string[];
  /** Its SQL as the config repo holds it at the bad revision: what `db.down-migration` runs, so the reviewed plan is what runs. */
  readonly sql?: string;
  /** Statements PostgreSQL refuses in a transaction block (empty: one transaction). */
  readonly blockers?: readonly string[];
}

export function shortHash(revision: string): string {
  return revision.slice(0, 7);
}

/**
 * The revision an Application runs now: its newest history entry (Argo CD appends one per
 * successful sync, rollbacks included). After a rollback `status.sync.revision` still names the
 * tracked branch's head and the app shows OutOfSync, so `sync.revision` is not what runs.
 */
/**
 * A sync that failed after applying part of a release (upstream `controller/sync.go`: a failed
 * sync writes operationState Failed/Error and no history entry): the cluster runs a mix of the
 * last successful deploy and this revision. Only a revision the history does not hold counts
 * (a failed rollback targets one it holds, and is the run's own business).
 */
export function partialSync(app: Pick<ApplicationState, 'history' | 'operation'>): { readonly revision: string; readonly phase: string; readonly message?: string } | undefined {
  const op = app.operation;
  if (!op || (op.phase !== 'Failed' && op.phase !== 'Error') || !op.revision) return undefined;
  if (app.history.some((h) => h.revision === op.revision)) return undefined;
  return { revision: op.revision, phase: op.phase, ...(op.message ? { message: op.message } : {}) };
}

/** What the app runs as rewind judges it: a partly applied release when a sync failed midway, else the deployed revision. */
export function runningRevision(app: Pick<ApplicationState, 'history' | 'sync' | 'operation'>): string {
  return partialSync(app)?.revision ?? deployedRevision(app);
}

export function deployedRevision(app: Pick<ApplicationState, 'history' | 'sync'>): string {
  return newestEntry(app.history)?.revision ?? app.sync.revision;
}

/**
 * A frozen history's newest entry, found once: a plan asks for what runs some thirty times,
 * and a long history (10,001 entries, issue 19) made each a full walk. An unfrozen array may
 * still change, so it is walked every time.
 */
const newestOf = new WeakMap<readonly HistoryEntry[], HistoryEntry | undefined>();

function newestEntry(history: readonly HistoryEntry[]): HistoryEntry | undefined {
  if (newestOf.has(history)) return newestOf.get(history);
  let newest: HistoryEntry | undefined;
  for (const h of history) if (!newest || h.id > newest.id) newest = h;
  if (Object.isFrozen(history) && history.every(Object.isFrozen)) newestOf.set(history, newest);
  return newest;
}
