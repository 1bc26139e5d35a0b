/**
 * Every running and ready sandbox Pod of a Bookstore service serves `/metrics` on its own
 * loopback port, as a Pod's container would on its Pod IP. The fleet follows the clusters'
 * Pods: a Pod that becomes ready starts serving (its counters from zero, as a new process);
 * one that stops being ready (crash-looping, deleted, replaced) stops serving and its port
 * closes, so a scraper sees the target go away. Readiness comes from the Pod's status, so any
 * image that keeps a Pod from getting ready keeps it silent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterView } from '../kube/index.ts';
import { isPodReady } from '../kube/replicaset-controller.ts';
import type { Container, Pod } from '../kube/types.ts';
import { isService, type Service } from '../world/bookstore.ts';
import { badProfile, profileFor, type BehaviourOf } from './profiles.ts';
import { PodTraffic } from './pod-traffic.ts';
import { PROFILE_LABEL } from '../world/canary-files.ts';

export interface ScrapeTarget {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly pod: string;
  readonly service: string;
}

interface Exporter {
  readonly uid: string;
  readonly target: ScrapeTarget;
  readonly server: Server;
}

export interface PodExporterOptions {
  readonly clusters: readonly string[];
  readonly view: (cluster: string) => ClusterView;
  /** Sandbox time, ms. */
  readonly now: () => number;
  /** The world's behaviour overrides (a good build that regresses since a dependency broke). */
  readonly behaviourOf?: BehaviourOf;
  /** A feature flag the Pod evaluates makes it slow (issue 14: sandbox/flags/pod-flags.ts). */
  readonly slowByFlag?: (cluster: string, pod: Pod, atMs: number) => boolean;
  readonly log?: (line: string) => void;
}

/** The kubelet sets Ready only when every container is ready. */
function podIsServing(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp && isPodReady(pod);
}

/** The service's own container: named after the service, else the first (sidecars come later). */
function mainContainer(pod: Pod, service: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === service) ?? pod.spec.containers[0];
}

/** The digest the Pod actually runs (status.imageID), else what its spec asks for. */
function runningImage(pod: Pod, container: Container): string {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container.name);
  return status?.imageID && status.imageID.includes('sha256:') ? status.imageID : (container.image ?? '');
}

export class PodExporters {
  readonly #options: PodExporterOptions;
  readonly #exporters = new Map<string, Exporter>();
  readonly #starting = new Set<string>();
  #closed = false;

  constructor(options: PodExporterOptions) {
    this.#options = options;
  }

  targets(): ScrapeTarget[] {
    return [...this.#exporters.values()].map((e) => e.target).sort((a, b) => a.address.localeCompare(b.address));
  }

  /** Starts exporters for newly ready Pods and stops those whose Pod is gone; true when the set changed. */
  async sync(): Promise<boolean> {
    if (this.#closed) return false;
    const wanted = new Map<string, { cluster: string; pod: Pod; service: Service; label: string }>();
    for (const cluster of this.#options.clusters) {
      for (const pod of this.#options.view(cluster).list('', 'v1', 'pods') as Pod[]) {
        const app = pod.metadata.labels?.['app'];
        // A canary app's Pods run a service's traffic under their own `app` label (world/canary-files.ts).
        const service = isService(app) ? app : pod.metadata.labels?.[PROFILE_LABEL];
        if (!isService(service) || !podIsServing(pod)) continue;
        wanted.set(`${cluster}/${pod.metadata.uid}`, { cluster, pod, service, label: app ?? service });
      }
    }
    let changed = false;
    for (const [key, e] of this.#exporters) {
      if (wanted.has(key)) continue;
      this.#exporters.delete(key);
      await closeServer(e.server);
      changed = true;
    }
    for (const [key, w] of wanted) {
      if (this.#exporters.has(key) || this.#starting.has(key)) continue;
      this.#starting.add(key);
      try {
        const e = await this.#start(w.cluster, w.pod, w.service, w.label);
        if (this.#closed) await closeServer(e.server);
        else {
          this.#exporters.set(key, e);
          changed = true;
        }
      } finally {
        this.#starting.delete(key);
      }
    }
    return changed;
  }

  /** `service` picks the traffic profile; `label` is the `service` label the metrics carry. */
  async #start(cluster: string, pod: Pod, service: Service, label: string): Promise<Exporter> {
    const container = mainContainer(pod, service);
    const image = container ? runningImage(pod, container) : '';
    const profile = profileFor(service, image, this.#options.behaviourOf);
    const namespace = pod.metadata.namespace ?? 'default';
    const traffic = new PodTraffic({ service: label, namespace, pod: pod.metadata.name }, profile, this.#options.now());
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      const at = this.#options.now();
      // Re-read on each scrape: a build the world now says is slow (a shared dependency slowed,
      // world-images.ts `setBehaviour`) is slow in the Pods already running it, not only in Pods
      // started after; and the Pod switches behaviour when its flagd does. Fixing the profile at
      // the Pod's start left the previous build's surviving Pods fast after `slow-good`'s break,
      // so a rollback that kept some of them read "recovered" (found by the crash campaign).
      const now = profileFor(service, image, this.#options.behaviourOf);
      traffic.switchProfile(this.#options.slowByFlag?.(cluster, pod, at) ? badProfile(service) : now, at);
      traffic
        .exposition(at)
        .then((text) => res.writeHead(200, { 'Content-Type': traffic.registry.contentType }).end(text))
        .catch((e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e)));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return { uid: pod.metadata.uid, server, target: { address: `127.0.0.1:${port}`, cluster, namespace, pod: pod.metadata.name, service: label } };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#exporters.values()];
    this.#exporters.clear();
    await Promise.all(all.map((e) => closeServer(e.server)));
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
