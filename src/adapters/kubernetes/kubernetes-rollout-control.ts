/**
 * `RolloutControl` through direct REST over client-node's `KubeConfig` (kube-rest.ts): `kubectl rollout history` and `rollout undo`
 * as kubectl does them (kubernetes/kubectl `pkg/polymorphichelpers/rollback.go` and
 * `pkg/util/deployment/deployment.go`), and rewind's hold as an annotation on the Deployment.
 *
 * ### Examples
 * ```ts
 * const kube = createKubernetesRolloutControl({ kubeconfigPath: '.rewind/sandbox/kubeconfig', context: 'us-east' });
 * (await kube.history(ref)).revisions.map((r) => r.revision); // [5, 4, 2]
 * await kube.undo(ref, 4);   // { outcome: 'rolled-back', message: 'rolled back' }
 * ```
 */
import { isDeepStrictEqual } from 'node:util';
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet, V1ReplicaSetList } from '@kubernetes/client-node';
import { apiPath, kubeRest, loadKubeConfig, restCall, type KubeConfig } from './kube-rest.ts';
import type { WorkloadRef } from '../../core/domain.ts';
import { NotFoundError, RefusedError } from '../../core/errors.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import { describeHold, heldBy, HOLD_ANNOTATION, readHold, type Hold } from '../../core/hold.ts';
import type { RolloutControl } from '../../core/ports.ts';
import { chooseUndoTarget, PAUSED_MESSAGE, skippedMessage, type ReplicaSetRevision, type RolloutHistory } from '../../core/rollout-history.ts';
import { toLabelSelectorString } from './label-selector.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const POD_TEMPLATE_HASH = 'pod-template-hash';
/**
 * kubectl's `annotationsToSkip`: kept from the Deployment, never copied from the ReplicaSet. rewind
 * adds its own hold: the controller copies Deployment annotations onto ReplicaSets (and never
 * removes them), so an old ReplicaSet may carry a stale hold that must not come back.
 */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
  HOLD_ANNOTATION,
]);

export interface KubernetesRolloutControlOptions {
  readonly context: string;
  readonly kubeconfigPath?: string;
  readonly kubeConfig?: KubeConfig;
  readonly timeoutMs?: number;
}

type Json = Record<string, unknown>;

export function createKubernetesRolloutControl(options: KubernetesRolloutControlOptions): RolloutControl {
  const kc = options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath);
  const rest = kubeRest(kc, options.context);
  const timeoutMs = options.timeoutMs ?? 15_000;

  const timed = restCall({ server: rest.server, context: options.context, timeoutMs });
  const call = <T>(operation: string, ref: WorkloadRef, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> =>
    timed(operation, () => new NotFoundError(`deployment ${ref.namespace}/${ref.name} not found in cluster context ${options.context}`), fn, signal);
  const deploymentPath = (ref: WorkloadRef) => apiPath('/apis/apps/v1', ref.namespace, 'deployments', ref.name);

  const readDeployment = (ref: WorkloadRef, signal?: AbortSignal): Promise<V1Deployment> =>
    call(`read deployment ${ref.name}`, ref, (s) => rest.get<V1Deployment>(deploymentPath(ref), s), signal);

  /** kubectl's `GetAllReplicaSets`: listed by the Deployment's selector, kept only when it controls them. */
  async function replicaSets(ref: WorkloadRef, d: V1Deployment, signal?: AbortSignal): Promise<V1ReplicaSet[]> {
    const labelSelector = toLabelSelectorString(d.spec?.selector);
    if (!labelSelector) return [];
    const list = await call(`list replicasets of ${ref.name}`, ref, (s) => rest.get<V1ReplicaSetList>(apiPath('/apis/apps/v1', ref.namespace, 'replicasets', undefined, { labelSelector }), s), signal);
    const uid = d.metadata?.uid;
    return (list.items ?? []).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller === true && o.uid === uid));
  }

  async function historyOf(ref: WorkloadRef, signal?: AbortSignal): Promise<{ deployment: V1Deployment; sets: V1ReplicaSet[]; history: RolloutHistory }> {
    const deployment = await readDeployment(ref, signal);
    const sets = await replicaSets(ref, deployment, signal);
    const current = templateJson(deployment.spec?.template);
    const revisions = sets
      .map((rs): ReplicaSetRevision => {
        const tpl = rs.spec?.template;
        const cause = rs.metadata?.annotations?.['kubernetes.io/change-cause'];
        const created = rs.metadata?.creationTimestamp;
        return {
          revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) || 0,
          replicaSet: rs.metadata?.name ?? '',
          images: [
            ...(tpl?.spec?.containers ?? []).map((c) => ({ container: c.name, image: c.image ?? '' })),
            ...(tpl?.spec?.initContainers ?? []).map((c) => ({ container: c.name, image: c.image ?? '', init: true })),
          ],
          ...(cause ? { changeCause: cause } : {}),
          matchesCurrent: equalIgnoreHash(templateJson(tpl), current),
          ...(created ? { createdAt: new Date(created).toISOString() } : {}),
        };
      })
      .filter((r) => r.revision > 0)
      .sort((a, b) => b.revision - a.revision);
    const raw = deployment.metadata?.annotations?.[HOLD_ANNOTATION];
    return {
      deployment,
      sets,
      history: {
        revisions,
        revisionHistoryLimit: deployment.spec?.revisionHistoryLimit ?? 10,
        paused: deployment.spec?.paused ?? false,
        generation: deployment.metadata?.generation ?? 0,
        ...(deployment.status?.observedGeneration !== undefined ? { observedGeneration: deployment.status.observedGeneration } : {}),
        ...(raw !== undefined ? { hold: readHold(raw) } : {}),
      },
    };
  }

  async function patch(ref: WorkloadRef, operation: string, ops: readonly Json[]): Promise<void> {
    await call(operation, ref, (s) => rest.patch(deploymentPath(ref), 'application/json-patch+json', ops, s));
  }

  /** JSON patch of the annotations, guarded by a `test` of the resourceVersion read: a concurrent writer makes it fail. */
  async function setHold(ref: WorkloadRef, runId: string, hold: Hold | undefined): Promise<void> {
    await retryOnConflict(() => setHoldOnce(ref, runId, hold), (e) => new RefusedError(`deployment ${ref.namespace}/${ref.name} changed while rewind wrote its hold, 5 times: read it again`, { cause: e }));
  }

  async function setHoldOnce(ref: WorkloadRef, runId: string, hold: Hold | undefined): Promise<void> {
    const d = await readDeployment(ref);
    const annotations = d.metadata?.annotations ?? {};
    const raw = annotations[HOLD_ANNOTATION];
    if (raw !== undefined) {
      const reading = readHold(raw);
      if (!heldBy(reading, runId)) throw new RefusedError(`deployment ${ref.namespace}/${ref.name}: ${describeHold(reading, new Date().toISOString())}`);
    }
    if (hold === undefined && raw === undefined) return;
    const next: Record<string, string> = { ...annotations };
    if (hold) next[HOLD_ANNOTATION] = JSON.stringify(hold);
    else delete next[HOLD_ANNOTATION];
    await patch(ref, hold ? 'write the hold' : 'clear the hold', [
      { op: 'test', path: '/metadata/resourceVersion', value: d.metadata?.resourceVersion ?? '' },
      { op: d.metadata?.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: next },
    ]);
  }

  return {
    async history(ref, opts = {}) {
      return (await historyOf(ref, opts.signal)).history;
    },

    async undo(ref, toRevision) {
      const { deployment, sets, history } = await historyOf(ref);
      const choice = chooseUndoTarget(ref.name, history, toRevision);
      if (!choice.ok) throw new NotFoundError(choice.reason);
      // kubectl's order: the revision first, then paused, then "already matches".
      if (history.paused) throw new RefusedError(PAUSED_MESSAGE);
      if (choice.target.matchesCurrent) return { outcome: 'skipped', message: skippedMessage(toRevision) };
      const rs = sets.find((s) => s.metadata?.name === choice.target.replicaSet);
      if (!rs?.spec?.template) throw new NotFoundError(`ReplicaSet ${choice.target.replicaSet} has no Pod template`);
      await patch(ref, `rollout undo --to-revision=${toRevision}`, undoPatch(deployment, rs));
      return { outcome: 'rolled-back', message: 'rolled back' };
    },

    writeHold: (ref, hold) => setHold(ref, hold.runId, hold),
    clearHold: (ref, runId) => setHold(ref, runId, undefined),
  };
}

/**
 * kubectl's `getDeploymentPatch`: replace `/spec/template` with the ReplicaSet's template (its
 * `pod-template-hash` label removed; Go's encoding writes `creationTimestamp: null`), and replace
 * `/metadata/annotations` with the Deployment's skipped ones plus the ReplicaSet's others.
 */
function undoPatch(deployment: V1Deployment, rs: V1ReplicaSet): Json[] {
  const template = templateJson(rs.spec?.template);
  const metadata = (template['metadata'] ?? {}) as Json;
  const labels = { ...((metadata['labels'] ?? {}) as Record<string, string>) };
  delete labels[POD_TEMPLATE_HASH];
  const value = { ...template, metadata: { ...metadata, creationTimestamp: null, labels } };
  const annotations: Record<string, string> = {};
  const own = deployment.metadata?.annotations ?? {};
  for (const k of ANNOTATIONS_TO_SKIP) if (own[k] !== undefined) annotations[k] = own[k];
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return [
    { op: 'replace', path: '/spec/template', value },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
}

/** A Pod template as the API sent it: REST answers are already the wire form kubectl compares and patches. */
function templateJson(t: V1PodTemplateSpec | undefined): Json {
  return (t ?? {}) as Json;
}

/** kubectl's `equalIgnoreHash`: the templates equal once `pod-template-hash` is dropped from both. */
function equalIgnoreHash(a: Json, b: Json): boolean {
  const strip = (t: Json): Json => {
    const metadata = { ...((t['metadata'] ?? {}) as Json) };
    const labels = { ...((metadata['labels'] ?? {}) as Record<string, string>) };
    delete labels[POD_TEMPLATE_HASH];
    delete metadata['creationTimestamp'];
    return prune({ ...t, metadata: { ...metadata, labels } }) as Json;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}

/** Drops undefined and empty maps, which the API server's encoding and ours may spell differently. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v === null || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    const p = prune(x);
    if (p === undefined || (typeof p === 'object' && p !== null && !Array.isArray(p) && Object.keys(p).length === 0)) continue;
    out[k] = p;
  }
  return out;
}

