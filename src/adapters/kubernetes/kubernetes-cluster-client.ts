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
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { requestOptions } from './request-options.ts';
import type { WorkloadRef, WorkloadState } from '../../core/domain.ts';
import { AdapterError, ConfigError, NotFoundError } from '../../core/errors.ts';
import type { ClusterClient } from '../../core/ports.ts';
import { kubeError } from './kubernetes-errors.ts';
import { watchWorkload } from './watch-workload.ts';
import { toLabelSelectorString, type LabelSelector } from './label-selector.ts';
import { deploymentSelector, fromDeployment, fromRollout, rolloutSelector, withWorkloadTemplate, workloadRefName } from './kubernetes-workload.ts';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

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
  kc.setCurrentContext(o.context);
  const server = kc.getCurrentCluster()?.server ?? '(no server)';
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);

  /** Runs one GET with a deadline, retrying transient failures; maps every failure. */
  async function get<T>(operation: string, notFound: () => NotFoundError, signal: AbortSignal | undefined, call: (opts: object) => Promise<T>): Promise<T> {
    const ctx = { operation, context: o.context, server, notFound };
    for (let attempt = 1; ; attempt++) {
      const deadline = AbortSignal.timeout(o.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        return await call(requestOptions(combined));
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
    const list = await get(`list pods of ${describe(ref)}`, () => notFoundError(ref, o.context), signal, (opts) =>
      core.listNamespacedPod({ namespace: ref.namespace, labelSelector }, opts),
    );
    return list.items;
  }

  return {
    watchWorkload: (ref) => watchWorkload(kc, ref),
    async getWorkload(ref, opts = {}): Promise<WorkloadState> {
      const notFound = () => notFoundError(ref, o.context);
      if (ref.kind === 'Deployment') {
        const d = await get(`read ${describe(ref)}`, notFound, opts.signal, (cfg) =>
          apps.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace }, cfg),
        );
        return fromDeployment(ref, d, await listPods(ref, deploymentSelector(d), opts.signal));
      }
      const r: unknown = await get(`read ${describe(ref)}`, notFound, opts.signal, (cfg) =>
        custom.getNamespacedCustomObject(
          { group: 'argoproj.io', version: 'v1alpha1', namespace: ref.namespace, plural: 'rollouts', name: ref.name },
          cfg,
        ) as Promise<unknown>,
      );
      // A Rollout with a workloadRef has no template of its own: the controller reads the Deployment's (rollout/templateref.go).
      const workload = workloadRefName(r);
      const resolved = workload === undefined ? r : withWorkloadTemplate(r, ObjectSerializer.serialize(await get(`read deployment ${workload} (workloadRef of ${describe(ref)})`, () => notFoundError({ ...ref, kind: 'Deployment', name: workload }, o.context), opts.signal, (cfg) =>
        apps.readNamespacedDeployment({ name: workload, namespace: ref.namespace }, cfg),
      ), 'V1Deployment', ''));
      return fromRollout(ref, resolved, await listPods(ref, rolloutSelector(resolved), opts.signal));
    },
  };
}

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new ConfigError(`cannot load the kubeconfig ${path ?? '(default: $KUBECONFIG or ~/.kube/config)'}`, {
      cause,
      hint: 'set clusters[].kubeconfig in rewind.yaml or KUBECONFIG',
    });
  }
  return kc;
}


function describe(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function notFoundError(ref: WorkloadRef, context: string): NotFoundError {
  return new NotFoundError(`${describe(ref)} not found in cluster context ${context}`, {
    hint: 'check apps[].workload and namespace in rewind.yaml, and that the app runs in this cluster',
  });
}
