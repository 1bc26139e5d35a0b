/**
 * Argo CD's application controller on the sandbox clock. Per app, one reconcile at a time:
 * run a requested operation, compare the target revision with the cluster, write
 * `status.sync/health/resources/summary`, then decide on auto-sync as upstream's
 * `controller/appcontroller.go` autoSync (L2520-2670) does: sync when the target commit differs
 * from the last one synced; when it is the same and the last sync failed, do nothing; when it
 * succeeded and the live state drifted, self-heal (if enabled) as since v2.14: the first attempt
 * at once, then after 2 s × 3ⁿ⁻¹ (capped at 300 s) since the previous one finished
 * (`selfHealRemainingBackoff` L2711-2742, flags `--self-heal-backoff-timeout-seconds 2`,
 * `--self-heal-backoff-factor 3`, `--self-heal-backoff-cap-seconds 300` in
 * `cmd/argocd-application-controller/commands/argocd_application_controller.go` L276-278).
 * A self-heal syncs only the OutOfSync resources, which is why it appends no history entry.
 * Auto-sync sets `operation` through SetAppOperation like any client, so an API caller meets
 * "another operation is already in progress" while it runs.
 *
 * NOTE: upstream reconciles every 120 s (plus jitter) and reacts to watch events at once;
 * the sandbox reconciles every 3 sandbox seconds instead, which covers both for demos.
 */
import type { SandboxClock } from '../clock.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import { isAutoSyncEnabled, type Application, type Operation, type OperationState } from './application.ts';
import type { AppStore } from './app-store.ts';
import { compareApp, type Comparison } from './compare.ts';
import type { ManifestSource } from './manifests.ts';
import { OperationInProgress, setAppOperation } from './set-operation.ts';
import { argoTime, retryDueAt, runSyncOperation, type SyncTimes } from './sync-operation.ts';

export const RECONCILE_INTERVAL_MS = 3_000;
/** Upstream's self-heal back-off defaults (seconds in upstream's flags). */
export const SELF_HEAL_BACKOFF = { initialMs: 2_000, factor: 3, capMs: 300_000 } as const;

/** The wait before self-heal attempt `attempts + 1`: 0, 2 s, 6 s, 18 s, ... up to 300 s (`wait.Backoff.Step` × attempts). */
export function selfHealDelayMs(attempts: number): number {
  if (attempts <= 0) return 0;
  return Math.min(SELF_HEAL_BACKOFF.capMs, SELF_HEAL_BACKOFF.initialMs * SELF_HEAL_BACKOFF.factor ** (attempts - 1));
}
const MIN_REAL_RECONCILE_MS = 400;

export interface AppController {
  /** Starts the periodic reconcile and the reaction to spec changes (seeding runs before). */
  start(): void;
  /** Reconciles `name` now (after any reconcile in flight) and resolves when done. */
  refresh(name: string): Promise<void>;
  /** Runs a sync operation directly, optionally backdated (seeding); resolves with its phase. */
  syncNow(name: string, op: Operation, times?: SyncTimes): Promise<string>;
  /** Resolves when no reconcile is queued or running. */
  idle(): Promise<void>;
  /** Stops scheduling and waits for the reconciles in flight. */
  close(): Promise<void>;
}

export interface AppControllerDeps {
  readonly store: AppStore;
  readonly manifests: ManifestSource;
  readonly clock: SandboxClock;
  kubeFor(app: Application): KubeClient;
  /**
   * The destination cluster's current resourceVersion, read in-process as upstream's controller
   * reads its watch-fed cluster cache (controller/cache/cache.go); undefined when unknown (the
   * in-cluster Applications), and then every periodic reconcile compares in full.
   */
  liveVersion?(app: Application): number | undefined;
  log(message: string): void;
}

/**
 * What a comparison was computed from. Upstream re-compares an app only when asked, when its
 * source changed, when its cluster cache saw one of its resources change, or when the comparison
 * expired (controller/appcontroller.go `needRefreshAppStatus`); the sandbox's periodic reconcile
 * likewise reuses the last comparison while the spec, the resolved commit and the destination's
 * objects are all where they were, and only restamps `reconciledAt` as a reconcile does.
 */
interface ComparedFrom {
  readonly generation: number;
  readonly revision: string;
  readonly liveVersion: number;
  readonly comparison: Comparison;
}

export function startAppController(deps: AppControllerDeps): AppController {
  const queues = new Map<string, Promise<void>>();
  const pending = new Set<string>();
  /** Apps whose next reconcile must compare in full (a change to the app, not the periodic tick). */
  const forced = new Set<string>();
  const compared = new Map<string, ComparedFrom>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;
  const syncDeps = { store: deps.store, manifests: deps.manifests, now: () => deps.clock.now(), kubeFor: (app: Application) => deps.kubeFor(app) };

  const enqueue = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const prev = queues.get(name) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.then(
      () => undefined,
      (e: unknown) => {
        if (!closed) deps.log(`reconcile ${name}: ${(e as Error).message}`);
      },
    );
    queues.set(name, settled);
    void settled.then(() => {
      if (queues.get(name) === settled) queues.delete(name);
    });
    return run;
  };

  const schedule = (name: string, periodic = false): void => {
    if (!periodic) forced.add(name);
    if (closed || pending.has(name)) return;
    pending.add(name);
    void enqueue(name, async () => {
      pending.delete(name);
      await reconcile(name);
    });
  };

  const writeComparison = (name: string, c: Comparison): Application =>
    deps.store.update(name, (a) => {
      const now = argoTime(deps.clock.now());
      const healthChanged = a.status.health.status !== c.health.status;
      a.status.sync = { status: c.status, revision: c.revision, comparedTo: { source: a.spec.source, destination: a.spec.destination } };
      a.status.health = {
        status: c.health.status,
        ...(c.health.message ? { message: c.health.message } : {}),
        lastTransitionTime: healthChanged ? now : (a.status.health.lastTransitionTime ?? now),
      };
      a.status.resources = c.resources;
      a.status.summary = { images: c.images };
      a.status.reconciledAt = now;
      a.status.observedAt = now;
      const others = (a.status.conditions ?? []).filter((x) => x.type !== 'ComparisonError');
      if (others.length) a.status.conditions = others;
      else delete a.status.conditions;
    });

  const autoSync = async (app: Application, c: Comparison, comparedGeneration: number): Promise<void> => {
    if (!isAutoSyncEnabled(app.spec) || app.operation || c.status !== 'OutOfSync') return;
    // The comparison may be stale: the spec changed (auto-sync just re-enabled) or the branch
    // moved (a revert landed) while it ran. Compare again rather than sync an old commit.
    if (app.metadata.generation !== comparedGeneration || (await deps.manifests.resolve(app.spec.source.targetRevision)) !== c.revision) {
      schedule(app.metadata.name);
      return;
    }
    const automated = app.spec.syncPolicy?.automated ?? {};
    const last = app.status.operationState;
    // Upstream's alreadyAttemptedSync: same commit, same source (the target revision aside).
    const src = last?.syncResult?.source;
    const alreadyAttempted =
      last?.syncResult?.revision === c.revision && src?.repoURL === app.spec.source.repoURL && src?.path === app.spec.source.path;
    const op: Operation = {
      sync: {
        revision: c.revision,
        prune: automated.prune ?? false,
        source: structuredClone(app.spec.source),
        ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
      },
      initiatedBy: { automated: true },
      retry: { limit: 5 },
    };
    if (alreadyAttempted) {
      if (last?.phase !== 'Succeeded' || !automated.selfHeal) return;
      const attempts = last.operation.sync.selfHealAttemptsCount ?? 0;
      const remaining = selfHealDelayMs(attempts) - (deps.clock.now().getTime() - Date.parse(last.finishedAt ?? last.startedAt));
      if (remaining > 0) {
        wakeAt(app.metadata.name, new Date(deps.clock.now().getTime() + remaining));
        return;
      }
      op.sync.selfHealAttemptsCount = attempts + 1;
      op.sync.resources = c.resources
        .filter((r) => r.status !== 'Synced')
        .map((r) => ({ group: r.group, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }));
      deps.log(`${app.metadata.name}: self-heal #${attempts + 1}: ${op.sync.resources.length} resource(s) drifted from ${c.revision.slice(0, 7)}, re-syncing them`);
    } else {
      deps.log(`${app.metadata.name}: auto-sync to ${c.revision.slice(0, 7)}`);
    }
    try {
      setAppOperation(deps.store, app.metadata.name, op);
    } catch (e) {
      // Upstream: another operation was set meanwhile; it runs instead, and auto-sync is skipped.
      if (e instanceof OperationInProgress) return;
      throw e;
    }
    wakeForRetry(app.metadata.name, await runSyncOperation(syncDeps, app.metadata.name, op));
    writeComparison(app.metadata.name, await compareApp(deps.store.get(app.metadata.name)!, deps.manifests, deps.kubeFor(app)));
  };

  /** One wake-up per app and time: periodic reconciles while a retry waits would stack them. */
  const wakes = new Map<string, number>();
  const wakeAt = (name: string, at: Date): void => {
    if (wakes.get(name) === at.getTime()) return;
    wakes.set(name, at.getTime());
    const t = deps.clock.setTimeout(() => {
      timers.delete(t);
      if (wakes.get(name) === at.getTime()) wakes.delete(name);
      schedule(name);
    }, Math.max(0, at.getTime() - deps.clock.now().getTime()) + 50);
    timers.add(t);
  };

  /** A failed attempt with retries left: run it again when its back-off has passed. */
  const wakeForRetry = (name: string, state: OperationState): void => {
    const due = retryDueAt(state);
    if (due) wakeAt(name, due);
  };

  const reconcile = async (name: string): Promise<void> => {
    let app = deps.store.get(name);
    if (!app) return;
    if (app.operation) {
      const due = retryDueAt(app.status.operationState);
      if (due && due > deps.clock.now()) wakeAt(name, due);
      else wakeForRetry(name, await runSyncOperation(syncDeps, name, app.operation));
      app = deps.store.get(name)!;
    }
    const comparedGeneration = app.metadata.generation;
    const full = forced.delete(name);
    const last = compared.get(name);
    compared.delete(name);
    let c: Comparison;
    try {
      const liveVersion = deps.liveVersion?.(app);
      const revision = last && !full && liveVersion === last.liveVersion && comparedGeneration === last.generation ? await deps.manifests.resolve(app.spec.source.targetRevision) : undefined;
      c = last && revision === last.revision ? last.comparison : await compareApp(app, deps.manifests, deps.kubeFor(app));
      // Only a comparison whose reads all came after liveVersion was taken can stand for it.
      if (liveVersion !== undefined) compared.set(name, { generation: comparedGeneration, revision: c.revision, liveVersion, comparison: c });
    } catch (e) {
      // Upstream (controller/state.go CompareAppState) does not fail the refresh: the app's sync
      // goes Unknown with a ComparisonError condition, and `GET ?refresh=` answers with that app.
      const now = argoTime(deps.clock.now());
      const message = `Failed to load target state: failed to generate manifest for source 1 of 1: ${e instanceof Error ? e.message : String(e)}`;
      deps.store.update(name, (a) => {
        a.status.sync = { ...a.status.sync, status: 'Unknown' };
        a.status.reconciledAt = now;
        const kept = (a.status.conditions ?? []).filter((x) => x.type !== 'ComparisonError');
        const same = a.status.conditions?.find((x) => x.type === 'ComparisonError' && x.message === message);
        a.status.conditions = [...kept, { type: 'ComparisonError', message, lastTransitionTime: same?.lastTransitionTime ?? now }];
      });
      deps.log(`${name}: ${message}`);
      return;
    }
    app = writeComparison(name, c);
    await autoSync(app, c, comparedGeneration);
  };

  let interval: ReturnType<typeof setInterval> | undefined;
  let unsubscribe = (): void => {};

  return {
    start() {
      if (interval || closed) return;
      // NOTE: a real-time floor, so a fast clock (x20) does not spend a core re-rendering six apps
      // every 150 ms; changes to apps still reconcile at once through onChange below.
      interval = setInterval(() => {
        for (const a of deps.store.list()) schedule(a.metadata.name, true);
      }, Math.max(MIN_REAL_RECONCILE_MS, deps.clock.toRealMs(RECONCILE_INTERVAL_MS)));
      interval.unref();
      const off = deps.store.onChange((name) => schedule(name));
      unsubscribe = () => void off();
      for (const a of deps.store.list()) schedule(a.metadata.name);
    },
    refresh: (name) => {
      forced.add(name);
      return enqueue(name, () => reconcile(name));
    },
    syncNow: (name, op, times) => enqueue(name, async () => (await runSyncOperation(syncDeps, name, op, times)).phase),
    async idle() {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
    async close() {
      closed = true;
      clearInterval(interval);
      for (const t of timers) deps.clock.clearTimeout(t);
      unsubscribe();
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };
}
