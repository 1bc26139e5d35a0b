/**
 * `meta.k8s.io/v1` Tables, what `kubectl get` asks for (`Accept: application/json;as=Table;…`)
 * so its columns (READY, UP-TO-DATE, STATUS …) and AGE come from the server, on the
 * sandbox clock, as a real apiserver's printers render them.
 */
import { humanDuration } from './human-duration.ts';
import type { ResourceType } from './resources.ts';
import { formatLabelSelector } from './selectors.ts';
import type { Container, Deployment, Pod, ReplicaSet, StoredObject } from './types.ts';

interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly priority?: number;
  readonly format?: string;
  readonly description?: string;
  readonly cell: (object: StoredObject, now: Date) => string | number;
}

const age = (o: StoredObject, now: Date): string =>
  o.metadata.creationTimestamp ? humanDuration(now.getTime() - Date.parse(o.metadata.creationTimestamp)) : '<unknown>';

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age };

const templateContainers = (o: Deployment | ReplicaSet): Container[] => o.spec.template.spec?.containers ?? [];

const workloadWide: Column[] = [
  { name: 'Containers', type: 'string', priority: 1, cell: (o) => templateContainers(o as Deployment).map((c) => c.name).join(',') },
  { name: 'Images', type: 'string', priority: 1, cell: (o) => templateContainers(o as Deployment).map((c) => c.image ?? '').join(',') },
  { name: 'Selector', type: 'string', priority: 1, cell: (o) => formatLabelSelector((o as Deployment).spec.selector) },
];

function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of pod.status?.containerStatuses ?? []) {
    const waiting = cs.state['waiting'] as { reason?: string } | undefined;
    if (waiting?.reason) return waiting.reason;
  }
  return pod.status?.phase ?? 'Pending';
}

const num = (o: unknown, key: string): number => {
  const v = (o as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : 0;
};

const COLUMNS: Record<string, Column[]> = {
  deployments: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${(o as Deployment).status?.readyReplicas ?? 0}/${(o as Deployment).spec.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => (o as Deployment).status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => (o as Deployment).status?.availableReplicas ?? 0 },
    AGE,
    ...workloadWide,
  ],
  replicasets: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => (o as ReplicaSet).spec.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => (o as ReplicaSet).status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => (o as ReplicaSet).status?.readyReplicas ?? 0 },
    AGE,
    ...workloadWide,
  ],
  pods: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const p = o as Pod;
        return `${(p.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${p.spec.containers.length}`;
      },
    },
    { name: 'Status', type: 'string', cell: (o) => podStatus(o as Pod) },
    { name: 'Restarts', type: 'string', cell: (o) => String((o as Pod).status?.containerStatuses?.reduce((n, c) => n + c.restartCount, 0) ?? 0) },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => (o as Pod).status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => (o as Pod).spec.nodeName ?? '<none>' },
  ],
  // The Argo Rollouts CRDs' additionalPrinterColumns (shared/reference/argo-rollouts-*-crd.yaml).
  rollouts: [
    NAME,
    { name: 'Desired', type: 'integer', description: 'Number of desired pods', cell: (o) => num(o.spec, 'replicas') },
    { name: 'Current', type: 'integer', description: 'Total number of non-terminated pods targeted by this rollout', cell: (o) => num(o.status, 'replicas') },
    { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this rollout that have the desired template spec', cell: (o) => num(o.status, 'updatedReplicas') },
    { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this rollout', cell: (o) => num(o.status, 'availableReplicas') },
    AGE,
  ],
  analysisruns: [NAME, { name: 'Status', type: 'string', description: 'AnalysisRun status', cell: (o) => String((o.status as { phase?: string } | undefined)?.phase ?? '') }, AGE],
  // Argo CD's Application CRD printer columns (manifests/crds/application-crd.yaml).
  applications: [
    NAME,
    { name: 'Sync Status', type: 'string', cell: (o) => String((o.status as { sync?: { status?: string } } | undefined)?.sync?.status ?? '') },
    { name: 'Health Status', type: 'string', cell: (o) => String((o.status as { health?: { status?: string } } | undefined)?.health?.status ?? '') },
    AGE,
  ],
  namespaces: [NAME, { name: 'Status', type: 'string', cell: (o) => String((o.status as { phase?: string } | undefined)?.phase ?? '') }, AGE],
};

export function toTable(type: ResourceType, objects: readonly StoredObject[], now: Date, listMeta: Record<string, unknown>): Record<string, unknown> {
  const columns = COLUMNS[type.plural] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** Whether the Accept header asks for a Table (kubectl get does; -o json/yaml/jsonpath does not). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
