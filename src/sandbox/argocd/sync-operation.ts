/**
 * Runs one sync operation as Argo CD's application controller does (`controller/sync.go`
 * SyncAppState L160-490): render the requested revision (of the operation's own source, for
 * rollbacks), run the PreSync hooks unless the operation skips hooks (apply strategy, as a
 * rollback is, or a partial sync limited to `resources`, as self-heal is: L386), apply the
 * objects through the cluster API (namespaces first; a failure fails the operation but what was
 * applied stays applied), record `operationState`, and append a history entry only after a
 * successful, non-dry-run sync of all resources (L483: not after a self-heal, not after a
 * failure).
 *
 * NOTE: the sandbox's clusters serve no `batch/v1` Jobs, so a hook's Job is recorded in the
 * sync result (created, then Succeeded) rather than created in the cluster.
 */
import type { KubeObject } from '../kube/types.ts';
import { applyObject } from '../gitops/apply.ts';
import { objectPath, type KubeClient } from '../gitops/kube-client.ts';
import {
  appendHistory,
  DEFAULT_HISTORY_LIMIT,
  type Application,
  type Operation,
  type OperationState,
  type ResourceResult,
} from './application.ts';
import type { AppStore } from './app-store.ts';
import { groupVersion } from './compare.ts';
import { hookTypes, isHook } from './hooks.ts';
import { ignoredPointers, RESPECT_IGNORE_DIFFERENCES, withLiveAt } from './ignore-differences.ts';
import type { ManifestSource } from './manifests.ts';

export interface SyncDeps {
  readonly store: AppStore;
  readonly manifests: ManifestSource;
  readonly now: () => Date;
  kubeFor(app: Application): KubeClient;
}

/** Backdated times, for seeding deploys that happened before the sandbox started. */
export interface SyncTimes {
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** RFC 3339 with second precision, as Kubernetes and Argo CD print times. */
export function argoTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function withNamespace(app: Application, objects: KubeObject[]): KubeObject[] {
  const createNs = app.spec.syncPolicy?.syncOptions?.includes('CreateNamespace=true') ?? false;
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const rest = objects.filter((o) => o.kind !== 'Namespace');
  const ns = app.spec.destination.namespace;
  if (createNs && ns && !namespaces.some((o) => o.metadata.name === ns)) {
    namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  return [...namespaces, ...rest];
}

function resultOf(o: KubeObject, message: string, ok: boolean): ResourceResult {
  return {
    ...groupVersion(o),
    kind: o.kind ?? '',
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    status: ok ? 'Synced' : 'SyncFailed',
    message,
    hookPhase: ok ? 'Running' : 'Failed',
    syncPhase: 'Sync',
  };
}


/** A partial sync's filter (`argo.ContainsSyncResource`): group, kind and name, namespace when given. */
function selected(op: Operation, o: KubeObject): boolean {
  const wanted = op.sync.resources;
  if (!wanted?.length) return true;
  return wanted.some(
    (r) => r.kind === o.kind && r.group === groupVersion(o).group && r.name === o.metadata.name && (!r.namespace || r.namespace === o.metadata.namespace),
  );
}

/** Upstream's `annotation` tracking (default since 3.0): `<app>:<group>/<kind>:<namespace>/<name>`. */
export function withTracking(appName: string, o: KubeObject): KubeObject {
  const id = `${appName}:${groupVersion(o).group}/${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'argocd.argoproj.io/tracking-id': id } } };
}

/** Upstream's `RetryStrategy.NextRetryAt` defaults: 5 s × 2^retries, at most 3 min (`pkg/apis/application/v1alpha1/types.go`). */
export function nextRetryAt(from: Date, retries: number): Date {
  return new Date(from.getTime() + Math.min(180_000, 5_000 * 2 ** retries));
}

/** `time.Kitchen`, as upstream prints the retry time: `3:04PM`. */
function kitchen(d: Date): string {
  const h = d.getUTCHours();
  return `${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')}${h < 12 ? 'AM' : 'PM'}`;
}

/** A retry waiting for its time (`processRequestedAppOperation`: Running with `finishedAt` set). */
export function retryDueAt(state: OperationState | undefined): Date | undefined {
  if (state?.phase !== 'Running' || !state.finishedAt) return undefined;
  return nextRetryAt(new Date(state.finishedAt), state.retryCount ?? 0);
}

/**
 * Runs one attempt of `op` on `name`; returns the operation state it left. A failed attempt
 * with retries left stays Running with `finishedAt` and `retryCount` set and keeps `operation`,
 * as upstream's `processRequestedAppOperation` (`controller/appcontroller.go` L1600-1700) does;
 * the controller runs it again once `retryDueAt` has passed.
 */
export async function runSyncOperation(deps: SyncDeps, name: string, op: Operation, times?: SyncTimes): Promise<OperationState> {
  const prev = deps.store.get(name)?.status.operationState;
  const retries = retryDueAt(prev) ? (prev?.retryCount ?? 0) : 0;
  const startedAt = retries > 0 && prev ? prev.startedAt : argoTime(times?.startedAt ?? deps.now());
  const running: OperationState = {
    operation: op,
    phase: 'Running',
    message: retries > 0 ? `Retrying operation. Attempt #${retries}` : 'one or more tasks are running',
    startedAt,
    ...(retries > 0 ? { retryCount: retries } : {}),
  };
  const app = deps.store.update(name, (a) => {
    a.status.operationState = running;
  });
  const source = op.sync.source ?? app.spec.source;
  let final: OperationState;
  let record: { revision: string; finishedAt: string } | undefined;
  try {
    const revision = await deps.manifests.resolve(op.sync.revision || source.targetRevision);
    const rendered = await deps.manifests.render(revision, source.path);
    const objects = withNamespace(app, rendered.filter((o) => !isHook(o) && selected(op, o)));
    const skipHooks = op.sync.syncStrategy?.apply !== undefined || (op.sync.resources?.length ?? 0) > 0;
    const results: ResourceResult[] = [];
    if (!skipHooks && !op.sync.dryRun) {
      for (const hook of rendered.filter((o) => hookTypes(o).includes('PreSync'))) {
        const gk = `${hook.kind?.toLowerCase()}${groupVersion(hook).group ? `.${groupVersion(hook).group}` : ''}/${hook.metadata.name}`;
        results.push({ ...resultOf(hook, `${gk} created`, true), hookType: 'PreSync', hookPhase: 'Succeeded', syncPhase: 'PreSync' });
      }
    }
    let failure: string | undefined;
    // The API server fills in the app's own options when the request names none (server/application/application.go L2123).
    const respect = (op.sync.syncOptions ?? app.spec.syncPolicy?.syncOptions ?? []).includes(RESPECT_IGNORE_DIFFERENCES);
    for (const raw of objects) {
      const o = raw.kind === 'Application' ? withTracking(name, raw) : raw;
      const gk = `${o.kind?.toLowerCase()}${groupVersion(o).group ? `.${groupVersion(o).group}` : ''}/${o.metadata.name}`;
      if (op.sync.dryRun) {
        results.push(resultOf(o, `${gk} configured (dry run)`, true));
        continue;
      }
      try {
        const outcome = await applyObject(deps.kubeFor(app), respect ? await keepIgnored(deps.kubeFor(app), app, o) : o);
        results.push(resultOf(o, `${gk} ${outcome}`, true));
      } catch (e) {
        failure = (e as Error).message;
        results.push(resultOf(o, failure, false));
      }
    }
    const finishedAt = argoTime(times?.finishedAt ?? deps.now());
    final = failure
      ? { ...running, phase: 'Failed', message: `one or more objects failed to apply, reason: ${failure}`, finishedAt, syncResult: { revision, source, resources: results } }
      : { ...running, phase: 'Succeeded', message: 'successfully synced (all tasks run)', finishedAt, syncResult: { revision, source, resources: results } };
    if (!failure && !op.sync.dryRun && !op.sync.resources?.length) record = { revision, finishedAt };
  } catch (e) {
    final = { ...running, phase: 'Error', message: (e as Error).message, finishedAt: argoTime(deps.now()) };
  }
  const limit = op.retry?.limit ?? 0;
  const retry = (final.phase === 'Failed' || final.phase === 'Error') && (retries < limit || limit < 0);
  if (retry) {
    const now = deps.now();
    final = { ...final, phase: 'Running', finishedAt: argoTime(now), retryCount: retries + 1, message: `${final.message}. Retrying attempt #${retries + 1} at ${kitchen(nextRetryAt(now, retries))}.` };
  } else if (retries > 0 && final.phase !== 'Succeeded') {
    final = { ...final, message: `${final.message} (retried ${retries} times).` };
  }
  const done = final;
  deps.store.update(name, (a) => {
    a.status.operationState = done;
    if (!retry) delete a.operation;
    if (record) {
      a.status.history = appendHistory(
        a.status.history ?? [],
        { revision: record.revision, deployStartedAt: startedAt, deployedAt: record.finishedAt, source, initiatedBy: op.initiatedBy },
        a.spec.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT,
      );
    }
  });
  return final;
}

/** `RespectIgnoreDifferences=true` (controller/sync.go `normalizeTargetResources`): ignored fields keep their live values. */
async function keepIgnored(kube: KubeClient, app: Application, o: KubeObject): Promise<KubeObject> {
  const pointers = ignoredPointers(app.spec.ignoreDifferences, o);
  if (pointers.length === 0) return o;
  const got = await kube.request<KubeObject>('GET', objectPath(o));
  return got.status === 200 ? withLiveAt(o, got.body, pointers) : o;
}
