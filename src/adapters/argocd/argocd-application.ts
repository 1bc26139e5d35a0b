/**
 * An Argo CD `v1alpha1Application` (JSON from `GET /api/v1/applications/{name}`) as rewind's
 * frozen `ApplicationState`. Tolerant of missing fields: a fresh app has no history, no
 * operationState and no summary.
 */
import { HOLD_ANNOTATION, readHold } from '../../core/hold.ts';
import { normaliseTime, toHistory } from './argocd-history.ts';
import type {
  AppOwner,
  ApplicationState,
  AutomatedSync,
  HealthStatus,
  IgnoreDifferenceRule,
  HistoryEntry,
  SyncPolicy,
  SyncStatus,
} from '../../core/domain.ts';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
/** grpc-gateway writes int64 as a JSON string; accept both. */
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** Argo CD's default for `spec.revisionHistoryLimit`. */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

const SYNC: readonly SyncStatus[] = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
const PHASES = ['Running', 'Succeeded', 'Failed', 'Error', 'Terminating'] as const;

/** `history`, when given, is `status.history` already read (application-body-reader.ts). */
export function toApplicationState(json: unknown, history?: readonly HistoryEntry[]): ApplicationState {
  const app = obj(json);
  const metadata = obj(app['metadata']);
  const spec = obj(app['spec']);
  const status = obj(app['status']);
  const name = str(metadata['name']) ?? '';
  // NOTE: multi-source apps keep `spec.sources[]`; rewind reads the first, as `argocd app get` shows it.
  const source = obj(spec['source'] ?? arr(spec['sources'])[0]);
  const destination = obj(spec['destination']);
  const sync = obj(status['sync']);
  const health = obj(status['health']);
  const syncStatus = str(sync['status']);
  const healthStatus = str(health['status']);
  const healthMessage = str(health['message']);
  const operation = toOperation(obj(status['operationState']));
  const owner = toOwner(name, metadata);
  const holdRaw = str(obj(metadata['annotations'])[HOLD_ANNOTATION]);
  return Object.freeze({
    name,
    project: str(spec['project']) ?? 'default',
    source: Object.freeze({
      repoURL: str(source['repoURL']) ?? '',
      path: str(source['path']) ?? '',
      targetRevision: str(source['targetRevision']) || 'HEAD',
    }),
    destination: Object.freeze({
      ...(str(destination['server']) ? { server: str(destination['server']) } : {}),
      ...(str(destination['name']) ? { name: str(destination['name']) } : {}),
      namespace: str(destination['namespace']) ?? '',
    }),
    syncPolicy: toSyncPolicy(spec['syncPolicy']),
    revisionHistoryLimit: int(spec['revisionHistoryLimit']) ?? DEFAULT_REVISION_HISTORY_LIMIT,
    sync: Object.freeze({
      status: SYNC.find((s) => s === syncStatus) ?? 'Unknown',
      revision: str(sync['revision']) ?? str(arr(sync['revisions'])[0]) ?? '',
    }),
    health: Object.freeze({
      status: HEALTH.find((s) => s === healthStatus) ?? 'Unknown',
      ...(healthMessage ? { message: healthMessage } : {}),
    }),
    history: history ?? toHistory(status['history']),
    ...(operation ? { operation } : {}),
    images: Object.freeze(arr(obj(status['summary'])['images']).filter((i): i is string => typeof i === 'string')),
    ...(owner ? { owner } : {}),
    ...(holdRaw !== undefined ? { hold: readHold(holdRaw) } : {}),
    ...(Array.isArray(spec['ignoreDifferences']) ? { ignoreDifferences: Object.freeze(arr(spec['ignoreDifferences']).map(toIgnoreRule)) } : {}),
    ...(Array.isArray(obj(spec['syncPolicy'])['syncOptions']) ? { syncOptions: Object.freeze(strings(obj(spec['syncPolicy'])['syncOptions'])) } : {}),
  });
}

const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

function toIgnoreRule(json: unknown): IgnoreDifferenceRule {
  const r = obj(json);
  const name = str(r['name']);
  const namespace = str(r['namespace']);
  return Object.freeze({
    group: str(r['group']) ?? '',
    kind: str(r['kind']) ?? '',
    ...(name ? { name } : {}),
    ...(namespace ? { namespace } : {}),
    jsonPointers: Object.freeze(strings(r['jsonPointers'])),
    jqPathExpressions: Object.freeze(strings(r['jqPathExpressions'])),
  });
}

/**
 * `automated` present without `enabled` means on: the field only exists since Argo CD 3.1 and
 * older servers (and most manifests) leave it out.
 */
export function toSyncPolicy(json: unknown): SyncPolicy {
  const automated = obj(json)['automated'];
  if (automated === undefined || automated === null) return Object.freeze({ automated: null });
  const a = obj(automated);
  const value: AutomatedSync = Object.freeze({
    prune: bool(a['prune']) ?? false,
    selfHeal: bool(a['selfHeal']) ?? false,
    enabled: bool(a['enabled']) ?? true,
  });
  return Object.freeze({ automated: value });
}

function toOperation(op: Json): ApplicationState['operation'] {
  const phase = PHASES.find((p) => p === op['phase']);
  if (!phase) return undefined;
  const message = str(op['message']);
  const revision = str(obj(op['syncResult'])['revision']) ?? str(obj(obj(op['operation'])['sync'])['revision']);
  const finishedAt = str(op['finishedAt']);
  return Object.freeze({
    phase,
    ...(message ? { message } : {}),
    ...(revision ? { revision } : {}),
    ...(finishedAt ? { finishedAt: normaliseTime(finishedAt) } : {}),
  });
}

/** Annotation tracking (Argo CD >= 3.0 default): `<app>:<group>/<kind>:<namespace>/<name>`. */
const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
/** Label tracking (the default before 3.0): the managing app's name. */
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * Who puts `syncPolicy` back: the ApplicationSet that generated the app (an ownerReference), or
 * the parent app of an app-of-apps, found by the tracking annotation or label Argo CD stamps on
 * every resource it manages (an Application included).
 */
function toOwner(self: string, metadata: Json): AppOwner | undefined {
  for (const ref of arr(metadata['ownerReferences'])) {
    const r = obj(ref);
    const name = str(r['name']);
    if (r['kind'] === 'ApplicationSet' && name) return Object.freeze({ kind: 'ApplicationSet', name });
  }
  const parent = managingApp(self, metadata);
  return parent ? Object.freeze({ kind: 'Application', name: parent }) : undefined;
}

/** The Argo CD app that deploys this object from git, by its tracking annotation or label. */
export function managingApp(self: string, metadata: Json): string | undefined {
  const trackingApp = str(obj(metadata['annotations'])[TRACKING_ID])?.split(':')[0];
  const app = trackingApp || str(obj(metadata['labels'])[INSTANCE_LABEL]);
  return app && app !== self ? app : undefined;
}
