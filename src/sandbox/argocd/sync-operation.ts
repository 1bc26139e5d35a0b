/**
 * Runs one sync operation as Argo CD's application controller does: render the requested
 * revision (of the operation's own source, for rollbacks), apply every object through the
 * cluster API (namespaces first), record `operationState`, and only after a successful,
 * non-dry-run sync append a history entry (id = last + 1, trimmed to the limit).
 * There are no hooks in the config repo, so the apply strategy of rollbacks changes nothing.
 */
import type { KubeObject } from '../kube/types.ts';
import { applyObject } from '../gitops/apply.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
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

/** Runs `op` on `name` to completion; returns the final operation state. */
export async function runSyncOperation(deps: SyncDeps, name: string, op: Operation, times?: SyncTimes): Promise<OperationState> {
  const startedAt = argoTime(times?.startedAt ?? deps.now());
  const running: OperationState = { operation: op, phase: 'Running', message: 'one or more tasks are running', startedAt };
  const app = deps.store.update(name, (a) => {
    a.status.operationState = running;
  });
  const source = op.sync.source ?? app.spec.source;
  let final: OperationState;
  try {
    const revision = await deps.manifests.resolve(op.sync.revision || source.targetRevision);
    const objects = withNamespace(app, await deps.manifests.render(revision, source.path));
    const results: ResourceResult[] = [];
    let failure: string | undefined;
    for (const o of objects) {
      const gk = `${o.kind?.toLowerCase()}${groupVersion(o).group ? `.${groupVersion(o).group}` : ''}/${o.metadata.name}`;
      if (op.sync.dryRun) {
        results.push(resultOf(o, `${gk} configured (dry run)`, true));
        continue;
      }
      try {
        const outcome = await applyObject(deps.kubeFor(app), o);
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
    const record = !failure && !op.sync.dryRun;
    deps.store.update(name, (a) => {
      a.status.operationState = final;
      delete a.operation;
      if (record) {
        a.status.history = appendHistory(
          a.status.history ?? [],
          { revision, deployStartedAt: startedAt, deployedAt: finishedAt, source, initiatedBy: op.initiatedBy },
          a.spec.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT,
        );
      }
    });
  } catch (e) {
    final = { ...running, phase: 'Error', message: (e as Error).message, finishedAt: argoTime(deps.now()) };
    deps.store.update(name, (a) => {
      a.status.operationState = final;
      delete a.operation;
    });
  }
  return final;
}
