/**
 * When the sandbox's systems reach the states rewind waits for, by this host's clock: one JSON
 * line in `<dir>/reached.jsonl` each time an app's operation/sync/health or a workload's rollout
 * state changes. It is the sandbox's side of the notice-latency measure (the demo compares it with
 * the moment its wait saw the state); nothing in the sandbox reads it back.
 *
 * A Deployment counts as rolled out as `kubectl rollout status` decides it (kubectl
 * pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer: observedGeneration caught up,
 * every replica updated, no old replica left, every updated one available); a Rollout when its
 * controller reports phase Healthy for the current generation (argo-rollouts
 * pkg/kubectl-argo-rollouts/cmd/status, which waits on that phase).
 */
import { appendFile } from 'node:fs/promises';
import type { AppStore } from './argocd/app-store.ts';
import type { StoredObject } from './kube/types.ts';

export type ReachedEntry =
  | {
      readonly at: number;
      readonly what: 'app';
      readonly app: string;
      readonly phase?: string;
      readonly revision?: string;
      readonly health: string;
      readonly sync: string;
    }
  | {
      readonly at: number;
      readonly what: 'workload';
      readonly cluster: string;
      readonly kind: string;
      readonly namespace: string;
      readonly name: string;
      readonly generation: number;
      readonly rolledOut: boolean;
    };

export const REACHED_LOG = 'reached.jsonl';

interface WorkloadStatus {
  readonly observedGeneration?: number | string;
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  readonly availableReplicas?: number;
  readonly phase?: string;
}

function rolledOut(o: StoredObject): boolean {
  const status = (o as { status?: WorkloadStatus }).status ?? {};
  const generation = o.metadata.generation ?? 0;
  if (Number(status.observedGeneration ?? 0) < generation) return false;
  if (o.kind === 'Rollout') return status.phase === 'Healthy';
  const wanted = (o as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  return updated >= wanted && (status.replicas ?? 0) <= updated && (status.availableReplicas ?? 0) >= updated;
}

export interface ReachedLog {
  /** Feeds one cluster's store events (Deployments and Rollouts are kept, the rest ignored). */
  workload(cluster: string, object: StoredObject, deleted: boolean): void;
  /** Resolves once every line so far is on disk. */
  flush(): Promise<void>;
}

export function startReachedLog(file: string, apps: AppStore): ReachedLog & { stop(): void } {
  const last = new Map<string, string>();
  let writes: Promise<void> = Promise.resolve();
  const record = (key: string, state: string, entry: ReachedEntry): void => {
    if (last.get(key) === state) return;
    last.set(key, state);
    const line = `${JSON.stringify(entry)}\n`;
    writes = writes.then(() => appendFile(file, line)).catch(() => undefined);
  };
  const stop = apps.watch((type, app) => {
    if (type === 'DELETED') return;
    const op = app.status.operationState;
    const state = {
      ...(op ? { phase: op.phase, revision: op.syncResult?.revision ?? op.operation.sync.revision } : {}),
      health: app.status.health.status,
      sync: app.status.sync.status,
    };
    record(`app/${app.metadata.name}`, JSON.stringify(state), { at: Date.now(), what: 'app', app: app.metadata.name, ...state });
  });
  return {
    workload(cluster, object, deleted) {
      if (object.kind !== 'Deployment' && object.kind !== 'Rollout') return;
      const generation = object.metadata.generation ?? 0;
      const done = !deleted && rolledOut(object);
      const { namespace = '', name } = object.metadata;
      record(`${cluster}/${object.kind}/${namespace}/${name}`, `${generation}/${done}`, { at: Date.now(), what: 'workload', cluster, kind: object.kind, namespace, name, generation, rolledOut: done });
    },
    flush: () => writes,
    stop,
  };
}
