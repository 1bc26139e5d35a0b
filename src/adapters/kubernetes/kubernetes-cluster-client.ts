/**
 * `ClusterClient` through `@kubernetes/client-node`: one kubeconfig context, one cluster. TLS is
 * verified against the kubeconfig's CA, and its user's bearer token or client certificate is sent,
 * exactly as kubectl would. Every call is a GET, so transient failures are retried with backoff.
 *
 * ### Examples
 * ```ts
 * const cluster = createKubernetesClusterClient({ kubeconfigPath: '.rewind/sandbox/kubeconfig', context: 'us-east' });
 * const w = await cluster.getWorkload({ cluster: 'us-east', namespace: 'bookstore-platform-acme-books', kind: 'Deployment', name: 'catalog' });
 * // w.pods[0].imageID -> 'ghcr.io/acme/catalog@sha256:…' (the digest running, not the spec's tag)
 * ```
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { V1Deployment, V1Pod, V1PodList } from '@kubernetes/client-node';
import { apiPath, kubeRest, loadKubeConfig, type KubeConfig } from './kube-rest.ts';
import type { WorkloadRef, WorkloadState } from '../../core/domain.ts';
import { AdapterError, ConfigError, NotFoundError } from '../../core/errors.ts';
import type { ClusterClient } from '../../core/ports.ts';
import { kubeError } from './kubernetes-errors.ts';
import { watchWorkload } from './watch-workload.ts';
import { toLabelSelectorString, type LabelSelector } from './label-selector.ts';
import { deploymentSelector, fromDeployment, fromRollout, rolloutSelector, withWorkloadTemplate, workloadRefName } from './kubernetes-workload.ts';


export interface KubernetesClusterClientOptions {
  /** The kubeconfig context to use (`--context`). */
  readonly context: string;
  /** Default: `$KUBECONFIG`, then `~/.kube/config`. */
  readonly kubeconfigPath?: string;
  /** An already-loaded kubeconfig (tests, or a caller that built one); wins over the path. */
  readonly kubeConfig?: KubeConfig;
  /** Per request; a request past it is abandoned as a transient timeout. */
  readonly timeoutMs?: number;
  readonly tries?: number;
  readonly backoffMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaults = {
  timeoutMs: 15_000,
  tries: 3,
  backoffMs: 250,
  sleep: (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}),
};

export function createKubernetesClusterClient(options: KubernetesClusterClientOptions): ClusterClient {
  const o = { ...defaults, ...options };
  const kc = o.kubeConfig ?? loadKubeConfig(o.kubeconfigPath);
  if (!kc.getContextObject(o.context)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new ConfigError(`the kubeconfig has no context "${o.context}"`, {
      hint: known.length > 0 ? `its contexts: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
    });
  }
  // Direct REST over the KubeConfig's TLS and auth (kube-rest.ts): the generated API is never loaded.
  const rest = kubeRest(kc, o.context);
  const server = rest.server;

  /** Runs one GET with a deadline, retrying transient failures; maps every failure. */
  async function get<T>(operation: string, notFound: () => NotFoundError, signal: AbortSignal | undefined, path: string): Promise<T> {
    const ctx = { operation, context: o.context, server, notFound };
    for (let attempt = 1; ; attempt++) {
      const deadline = AbortSignal.timeout(o.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        return await rest.get<T>(path, combined);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        const mapped = deadline.aborted
          ? new AdapterError('kubernetes', operation, `no answer from ${server} within ${o.timeoutMs} ms (context ${o.context})`, { cause: err, transient: true })
          : kubeError(err, ctx);
        if (!(mapped instanceof AdapterError && mapped.transient) || attempt >= o.tries) throw mapped;
        await o.sleep(o.backoffMs * 2 ** (attempt - 1), signal);
      }
    }
  }

  async function listPods(ref: WorkloadRef, selector: LabelSelector | undefined, signal?: AbortSignal): Promise<readonly V1Pod[]> {
    const labelSelector = toLabelSelectorString(selector);
    if (!labelSelector) return [];
    const list = await get<V1PodList>(`list pods of ${describe(ref)}`, () => notFoundError(ref, o.context), signal, apiPath('/api/v1', ref.namespace, 'pods', undefined, { labelSelector }));
    return list.items ?? [];
  }

  return {
    watchWorkload: (ref) => watchWorkload(kc, ref),
    async getWorkload(ref, opts = {}): Promise<WorkloadState> {
      const notFound = () => notFoundError(ref, o.context);
      if (ref.kind === 'Deployment') {
        const d = await get<V1Deployment>(`read ${describe(ref)}`, notFound, opts.signal, apiPath('/apis/apps/v1', ref.namespace, 'deployments', ref.name));
        return fromDeployment(ref, d, await listPods(ref, deploymentSelector(d), opts.signal));
      }
      const r = await get<unknown>(`read ${describe(ref)}`, notFound, opts.signal, apiPath('/apis/argoproj.io/v1alpha1', ref.namespace, 'rollouts', ref.name));
      // A Rollout with a workloadRef has no template of its own: the controller reads the Deployment's (rollout/templateref.go).
      const workload = workloadRefName(r);
      // The REST answer is already the wire form the template is compared in.
      const resolved = workload === undefined ? r : withWorkloadTemplate(r, await get<unknown>(`read deployment ${workload} (workloadRef of ${describe(ref)})`, () => notFoundError({ ...ref, kind: 'Deployment', name: workload }, o.context), opts.signal, apiPath('/apis/apps/v1', ref.namespace, 'deployments', workload)));
      return fromRollout(ref, resolved, await listPods(ref, rolloutSelector(resolved), opts.signal));
    },
  };
}

function describe(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function notFoundError(ref: WorkloadRef, context: string): NotFoundError {
  return new NotFoundError(`${describe(ref)} not found in cluster context ${context}`, {
    hint: 'check apps[].workload and namespace in rewind.yaml, and that the app runs in this cluster',
  });
}
