/**
 * `ArgoRolloutsControl` through direct REST over client-node's `KubeConfig` (kube-rest.ts, as
 * kubernetes-rollout-control.ts): the Rollout and what it owns, read as
 * `kubectl argo rollouts get` shows them, and the plugin's own writes
 * (argoproj/argo-rollouts `pkg/kubectl-argo-rollouts/cmd/abort/abort.go`, `cmd/retry/retry.go`:
 * a merge patch on the status subresource, then on the main resource when the subresource is not
 * found; `cmd/undo/undo.go`: a JSON patch replacing `/spec/template`).
 */
import type { WorkloadRef } from '../../core/domain.ts';
import { NotFoundError, RefusedError } from '../../core/errors.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import { describeHold, heldBy, HOLD_ANNOTATION, readHold, type Hold } from '../../core/hold.ts';
import type { ArgoRolloutsControl } from '../../core/ports.ts';
import { apiPath, kubeRest, loadKubeConfig, restCall, type KubeConfig } from './kube-rest.ts';
import { toLabelSelectorString } from './label-selector.ts';
import { HASH_LABEL, toRolloutFacts } from './rollouts-reader.ts';

const ROLLOUTS_API = '/apis/argoproj.io/v1alpha1';
type Json = Record<string, unknown>;

/** The plugin's patches, byte for byte (abort.go `abortPatch`, retry.go `retryRolloutPatch`, read from upstream at 1676f2f: the same merge patch, status subresource first, the main resource on NotFound). */
export const abortPatch = (abort: boolean): string => (abort ? '{"status":{"abort":true}}' : '{"status":{"abort":false}}');

/** undo.go `getRolloutPatch`: one `replace` of `/spec/template` with the ReplicaSet's template, hash label removed. */
export function undoTemplatePatch(rsTemplate: Json): Json[] {
  const metadata = { ...((rsTemplate['metadata'] ?? {}) as Json) };
  const labels = { ...((metadata['labels'] ?? {}) as Record<string, string>) };
  delete labels[HASH_LABEL];
  return [{ op: 'replace', path: '/spec/template', value: { ...rsTemplate, metadata: { ...metadata, labels } } }];
}

/**
 * promote.go `getPatches` (no skip flags): `--full` sends `{"status":{"promoteFull":true}}` while an
 * update is in progress; a plain promote unpauses the spec when paused and clears the pause
 * conditions, or moves past the current step when there are none. `unified` is what a cluster
 * without the status subresource (Rollouts v0.9) gets instead.
 */
export function promotePatches(ro: Json, full: boolean): { spec?: string; status?: string; unified?: string } {
  const spec = (ro['spec'] ?? {}) as Json;
  const status = (ro['status'] ?? {}) as Json;
  if (full) return status['currentPodHash'] !== status['stableRS'] ? { status: '{"status":{"promoteFull":true}}' } : {};
  const out: { spec?: string; status?: string; unified?: string } = { unified: '{"spec":{"paused":false},"status":{"pauseConditions":null}}' };
  if (spec['paused'] === true) out.spec = '{"spec":{"paused":false}}';
  const canary = ((spec['strategy'] ?? {}) as Json)['canary'] as Json | undefined;
  if (Array.isArray(status['pauseConditions']) && status['pauseConditions'].length > 0) out.status = '{"status":{"pauseConditions":null}}';
  else if (canary) {
    const steps = Array.isArray(canary['steps']) ? canary['steps'].length : 0;
    const current = typeof status['currentStepIndex'] === 'number' ? status['currentStepIndex'] : 0;
    const next = current < steps ? current + 1 : current;
    out.status = `{"status":{"pauseConditions":null, "currentStepIndex":${next}}}`;
    out.unified = `{"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":${next}}}`;
  }
  return out;
}

export interface KubernetesRolloutsOptions {
  readonly context: string;
  readonly kubeconfigPath?: string;
  readonly kubeConfig?: KubeConfig;
  readonly timeoutMs?: number;
}

export function createKubernetesArgoRollouts(options: KubernetesRolloutsOptions): ArgoRolloutsControl {
  const kc = options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath);
  const rest = kubeRest(kc, options.context);
  const timeoutMs = options.timeoutMs ?? 15_000;

  const call = restCall({ server: rest.server, context: options.context, timeoutMs });
  const missing = (what: string, ref: WorkloadRef) => () => new NotFoundError(`${what} ${ref.namespace}/${ref.name} not found in cluster context ${options.context}`);
  const rolloutPath = (ref: WorkloadRef) => apiPath(ROLLOUTS_API, ref.namespace, 'rollouts', ref.name);
  const readRollout = (ref: WorkloadRef, signal?: AbortSignal) => call(`get rollout ${ref.name}`, missing('rollout', ref), (s) => rest.get<Json>(rolloutPath(ref), s), signal);
  const patch = (op: string, ref: WorkloadRef, path: string, contentType: string, body: unknown) => call(op, missing('rollout', ref), (s) => rest.patch(path, contentType, body, s));

  /** Templates, or undefined when they cannot be listed (RBAC): then nothing is called missing. */
  async function names(path: string, signal?: AbortSignal): Promise<unknown[] | undefined> {
    try {
      return (await rest.get<{ items?: unknown[] }>(path, signal)).items ?? [];
    } catch {
      return undefined;
    }
  }

  /** JSON patch of the annotations, guarded by a `test` of the resourceVersion read (as the Deployment's hold in kubernetes-rollout-control.ts). */
  async function setHold(ref: WorkloadRef, runId: string, hold: Hold | undefined): Promise<void> {
    await retryOnConflict(() => setHoldOnce(ref, runId, hold), (e) => new RefusedError(`rollout ${ref.namespace}/${ref.name} changed while rewind wrote its hold, 5 times: read it again`, { cause: e }));
  }

  async function setHoldOnce(ref: WorkloadRef, runId: string, hold: Hold | undefined): Promise<void> {
    const rollout = await readRollout(ref);
    const meta = (rollout['metadata'] ?? {}) as { annotations?: Record<string, string>; resourceVersion?: string };
    const annotations = meta.annotations ?? {};
    const raw = annotations[HOLD_ANNOTATION];
    if (raw !== undefined) {
      const reading = readHold(raw);
      if (!heldBy(reading, runId)) throw new RefusedError(`rollout ${ref.namespace}/${ref.name}: ${describeHold(reading, new Date().toISOString())}`);
    }
    if (hold === undefined && raw === undefined) return;
    const next: Record<string, string> = { ...annotations };
    if (hold) next[HOLD_ANNOTATION] = JSON.stringify(hold);
    else delete next[HOLD_ANNOTATION];
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: meta.resourceVersion ?? '' },
      { op: meta.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: next },
    ];
    await patch(hold ? 'write the hold' : 'clear the hold', ref, rolloutPath(ref), 'application/json-patch+json', body);
  }

  return {
    writeHold: (ref, hold) => setHold(ref, hold.runId, hold),
    clearHold: (ref, runId) => setHold(ref, runId, undefined),

    async read(ref, opts = {}) {
      const signal = opts.signal;
      const rollout = await readRollout(ref, signal);
      const labelSelector = toLabelSelectorString((rollout['spec'] as Json | undefined)?.['selector'] as Parameters<typeof toLabelSelectorString>[0]) ?? '';
      const ns = ref.namespace;
      const list = (what: string, path: string) => call(what, missing('rollout', ref), (s) => rest.get<{ items?: unknown[] }>(path, s), signal);
      const [sets, pods, runs, namespaced, cluster] = await Promise.all([
        list(`list replicasets of ${ref.name}`, apiPath('/apis/apps/v1', ns, 'replicasets', undefined, { labelSelector })),
        list(`list pods of ${ref.name}`, apiPath('/api/v1', ns, 'pods', undefined, { labelSelector })),
        list('list analysisruns', apiPath(ROLLOUTS_API, ns, 'analysisruns')),
        names(apiPath(ROLLOUTS_API, ns, 'analysistemplates'), signal),
        names(`${ROLLOUTS_API}/clusteranalysistemplates`, signal),
      ]);
      // NOTE: the API server's JSON as it came: what client-node's ObjectSerializer.serialize gave back from its typed models.
      return toRolloutFacts({
        rollout,
        replicaSets: sets.items ?? [],
        pods: pods.items ?? [],
        analysisRuns: runs.items ?? [],
        templates: namespaced && cluster ? { namespaced, cluster } : undefined,
      });
    },

    async setAbort(ref, abort) {
      const body = JSON.parse(abortPatch(abort)) as Json;
      const op = `${abort ? 'abort' : 'retry'} rollout ${ref.name}`;
      try {
        await patch(op, ref, `${rolloutPath(ref)}/status`, 'application/merge-patch+json', body);
        return { request: `kubernetes PATCH rollouts/${ref.name}/status (merge) ${abortPatch(abort)}` };
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      // abort.go: a cluster whose Rollout CRD has no status subresource answers 404 there.
      await patch(op, ref, rolloutPath(ref), 'application/merge-patch+json', body);
      return { request: `kubernetes PATCH rollouts/${ref.name} (merge) ${abortPatch(abort)}` };
    },

    async promote(ref, full) {
      const ro = await readRollout(ref);
      const patches = promotePatches(ro, full);
      const op = `promote${full ? ' --full' : ''} rollout ${ref.name}`;
      const merge = 'application/merge-patch+json';
      const sent: string[] = [];
      let specPatch = patches.spec;
      if (patches.status) {
        try {
          await patch(op, ref, `${rolloutPath(ref)}/status`, merge, JSON.parse(patches.status ?? '{}') as Json);
          sent.push(`kubernetes PATCH rollouts/${ref.name}/status (merge) ${patches.status}`);
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
          specPatch = patches.unified;
        }
      }
      if (specPatch) {
        const body = JSON.parse(specPatch) as Json;
        await patch(op, ref, rolloutPath(ref), merge, body);
        sent.push(`kubernetes PATCH rollouts/${ref.name} (merge) ${specPatch}`);
      }
      return { request: sent.join('; ') || 'nothing to send: the Rollout is not updating' };
    },

    async undoTo(ref, replicaSet) {
      const rollout = await readRollout(ref);
      const rs = await call(`read replicaset ${replicaSet}`, missing('replicaset', { ...ref, name: replicaSet }), (s) => rest.get<{ spec?: { template?: Json } }>(apiPath('/apis/apps/v1', ref.namespace, 'replicasets', replicaSet), s));
      const rsTemplate = rs.spec?.template ?? {};
      const undo = undoTemplatePatch(rsTemplate);
      const workloadRef = (rollout['spec'] as Json | undefined)?.['workloadRef'] as { name?: string } | undefined;
      if (workloadRef?.name) {
        const name = workloadRef.name;
        await call(`undo deployment ${name}`, missing('deployment', { ...ref, name }), (s) => rest.patch(apiPath('/apis/apps/v1', ref.namespace, 'deployments', name), 'application/json-patch+json', undo, s));
        return { request: `kubernetes PATCH deployments/${name} (json) replace /spec/template from ${replicaSet} (the Rollout's workloadRef)`, outcome: 'rolled-back' };
      }
      await patch(`undo rollout ${ref.name}`, ref, rolloutPath(ref), 'application/json-patch+json', undo);
      return { request: `kubernetes PATCH rollouts/${ref.name} (json) replace /spec/template from ${replicaSet}`, outcome: 'rolled-back' };
    },
  };
}

