/**
 * The sandbox's Kubernetes-compatible API: one HTTPS server, one path prefix per cluster
 * (`https://127.0.0.1:PORT/clusters/us-east`), bearer-token auth, discovery, core/v1
 * Namespaces and Pods, apps/v1 Deployments and ReplicaSets with real controller semantics
 * on the sandbox clock, argoproj.io Rollouts and AnalysisRuns (storage), and
 * SelfSubjectAccessReview. kubectl and @kubernetes/client-node talk to it as to a cluster.
 *
 * Everything enters over HTTPS; the returned `store()` is a read-only view for diagnostics.
 *
 * ### Examples
 * ```ts
 * const tls = generateSandboxTls();
 * const kube = await startKubeApi({ port: 0, tls, token, clusters: ['us-east', 'eu-west'], clock: createSandboxClock({ speed: 20 }) });
 * kube.urlFor('us-east'); // https://127.0.0.1:41234/clusters/us-east  (kubeconfig `server:`)
 * await kube.close();
 * ```
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SandboxClock } from '../clock.ts';
import { startControllers, type ControllerLoop } from './controller-loop.ts';
import { imageRuntimeFrom, type ImageHealthFn, type ImageRuntime } from './kubelet.ts';
import { ClusterRegistry } from './registry.ts';
import { findResourceType } from './resources.ts';
import { createRequestHandler } from './server.ts';
import type { StoredObject } from './types.ts';
import type { ExternalHandler } from './external.ts';
import type { MetricQuery } from '../rollouts/index.ts';

export type { ImageHealth, StoredObject, KubeObject } from './types.ts';
export type { ExternalHandler, ExternalRequest } from './external.ts';
export { KubeStatusError } from './status-error.ts';
export type { ImageHealthFn, ImageRuntime, ContainerRuntime } from './kubelet.ts';
export { parseImageReference, resolveImageDigest, resolveImageId, type ImageReference } from './image-id.ts';
export { podTemplateHash, templatesEqual } from './template-hash.ts';

export interface KubeApiOptions {
  /** Loopback only; defaults to 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: { readonly cert: string; readonly key: string };
  /** The bearer token every request must carry. */
  readonly token: string;
  /** Cluster names, each served under `/clusters/<name>`. */
  readonly clusters: readonly string[];
  readonly clock: SandboxClock;
  /** How each cluster's kubelet runs an image; every image is healthy by default. */
  readonly imageHealth?: ImageHealthFn;
  /** The world's images (registry pulls, behaviours, runtimes); wins over `imageHealth`. */
  readonly images?: ImageRuntime;
  /** Argo Rollouts analysis: evaluates a PromQL query now (one store for every cluster: queries filter on `cluster`); absent: every measurement is an Error. */
  readonly metricQuery?: MetricQuery;
  /** Controller failures and unexpected request errors (bugs); defaults to stderr. */
  readonly onError?: (error: unknown) => void;
  /** One line per request, for debugging clients. */
  readonly onRequest?: (line: string) => void;
}

/** A read-only view of one cluster's objects, by group ('' for core), version and plural. */
export interface ClusterView {
  get(group: string, version: string, plural: string, namespace: string | undefined, name: string): StoredObject | undefined;
  list(group: string, version: string, plural: string, namespace?: string): StoredObject[];
  /** The cluster's current resourceVersion. */
  readonly resourceVersion: number;
}

export interface KubeApi {
  readonly port: number;
  /** The server URL of a cluster, for a kubeconfig or a client. */
  urlFor(cluster: string): string;
  store(cluster: string): ClusterView;
  /** Serves an `external` resource type (Argo CD's Applications) in one cluster from `handler`. */
  serveExternal(cluster: string, plural: string, handler: ExternalHandler): void;
  /** Runs every cluster's controllers once, now. */
  tick(): void;
  /** Every write to one cluster's objects, as it happens (the object as stored; do not mutate it). */
  subscribe(cluster: string, listener: (object: StoredObject, deleted: boolean) => void): () => void;
  close(): Promise<void>;
}

export async function startKubeApi(options: KubeApiOptions): Promise<KubeApi> {
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((error: unknown) => console.error('[sandbox kube]', error));
  const clusters = new Map(options.clusters.map((name) => [name, new ClusterRegistry(name, options.clock)]));
  let port = 0;
  const server = createServer(
    { cert: options.tls.cert, key: options.tls.key },
    createRequestHandler({
      token: options.token,
      clusters,
      serverAddress: () => `${host}:${port}`,
      onError,
      onRequest: options.onRequest,
    }),
  );
  // NOTE: watches stay open for up to 30 minutes; never let an idle socket time them out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const loops: ControllerLoop[] = [...clusters.values()].map((registry) =>
    startControllers(registry, options.clock, options.images ?? imageRuntimeFrom(options.imageHealth ?? (() => 'ok')), onError, options.metricQuery),
  );

  const registryOf = (cluster: string): ClusterRegistry => {
    const registry = clusters.get(cluster);
    if (!registry) throw new Error(`unknown sandbox cluster "${cluster}" (have: ${[...clusters.keys()].join(', ')})`);
    return registry;
  };

  return {
    port,
    urlFor: (cluster) => `https://${host}:${port}/clusters/${encodeURIComponent(registryOf(cluster).name)}`,
    store: (cluster) => {
      const registry = registryOf(cluster);
      const typeOf = (group: string, version: string, plural: string) => {
        const type = findResourceType(group, version, plural);
        if (!type) throw new Error(`unknown resource ${plural} in ${group || 'core'}/${version}`);
        return type;
      };
      return {
        get: (group, version, plural, namespace, name) => registry.store.get(typeOf(group, version, plural), namespace, name),
        list: (group, version, plural, namespace) => registry.store.list(typeOf(group, version, plural), namespace),
        get resourceVersion() {
          return registry.store.resourceVersion;
        },
      };
    },
    serveExternal: (cluster, plural, handler) => void registryOf(cluster).external.set(plural, handler),
    tick: () => loops.forEach((l) => l.tick()),
    subscribe: (cluster, listener) => registryOf(cluster).store.subscribe((e) => listener(e.object, e.type === 'DELETED')),
    close: async () => {
      for (const loop of loops) loop.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
