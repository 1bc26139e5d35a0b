/**
 * A simulated node agent: schedules Pods onto the cluster's node, pulls their images
 * (each image reference resolves to a digest, reported as `imageID`), and makes them ready
 * after a short start-up, or crash-loops them when the cluster's `imageHealth` says so.
 */
import { createHash } from 'node:crypto';
import { resolveImageId } from './image-id.ts';
import type { ClusterRegistry } from './registry.ts';
import { kubeTime } from './registry.ts';
import { PODS } from './resources.ts';
import type { Condition, ContainerStatus, ImageHealth, Pod, PodStatus } from './types.ts';

export type ImageHealthFn = (image: string, cluster: string) => ImageHealth;

const SCHEDULE_MS = 300;
/** Sandbox ms from scheduling to Ready: 1-2 s, fixed per pod so runs are reproducible. */
const readyDelayMs = (uid: string): number => 1000 + (hashInt(uid) % 1000);
/** CrashLoopBackOff delays: 10 s doubling to 5 min, as the kubelet's. */
const BACKOFF_MS = [10_000, 20_000, 40_000, 80_000, 160_000, 300_000];

function hashInt(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

function restartsAfter(elapsedMs: number): number {
  let restarts = 0;
  let t = 0;
  for (;;) {
    t += BACKOFF_MS[Math.min(restarts, BACKOFF_MS.length - 1)]!;
    if (t > elapsedMs) return restarts;
    restarts++;
  }
}

export class Kubelet {
  readonly #registry: ClusterRegistry;
  readonly #imageHealth: ImageHealthFn;
  /** Sandbox ms when each pod (by uid) was first seen; creationTimestamp has only second precision. */
  readonly #seen = new Map<string, number>();

  constructor(registry: ClusterRegistry, imageHealth: ImageHealthFn) {
    this.#registry = registry;
    this.#imageHealth = imageHealth;
  }

  get nodeName(): string {
    return `${this.#registry.name}-node-1`;
  }

  sync(): void {
    const now = this.#registry.now();
    const live = new Set<string>();
    for (const pod of this.#registry.store.list(PODS) as Pod[]) {
      live.add(pod.metadata.uid);
      if (!this.#seen.has(pod.metadata.uid)) this.#seen.set(pod.metadata.uid, now.getTime());
      this.#syncPod(pod, now);
    }
    for (const uid of this.#seen.keys()) if (!live.has(uid)) this.#seen.delete(uid);
  }

  #syncPod(pod: Pod, now: Date): void {
    const elapsed = now.getTime() - this.#seen.get(pod.metadata.uid)!;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (!pod.spec.nodeName) {
      if (elapsed < SCHEDULE_MS) return;
      pod = this.#registry.update(PODS, pod.metadata.namespace, pod.metadata.name, { ...pod, spec: { ...pod.spec, nodeName: this.nodeName } }) as Pod;
    }
    this.#registry.update(PODS, pod.metadata.namespace, pod.metadata.name, { ...pod, status: this.#status(pod, elapsed, now) }, 'status');
  }

  #status(pod: Pod, elapsed: number, now: Date): PodStatus {
    const prev = pod.status ?? {};
    const startedAt = new Date(now.getTime() - elapsed + SCHEDULE_MS);
    const started = elapsed >= readyDelayMs(pod.metadata.uid);
    const statuses = pod.spec.containers.map((c): ContainerStatus => {
      const image = c.image ?? '';
      const base = { name: c.name, image, imageID: '', restartCount: 0, ready: false, started: false };
      if (!started) return { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
      const containerID = `containerd://${createHash('sha256').update(`${pod.metadata.uid}/${c.name}/${image}`).digest('hex')}`;
      const imageID = resolveImageId(image);
      if (this.#imageHealth(image, this.#registry.name) === 'crashloop') {
        const restarts = restartsAfter(elapsed - readyDelayMs(pod.metadata.uid));
        return {
          ...base,
          imageID,
          containerID,
          restartCount: restarts,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${c.name} in pod ${pod.metadata.name}` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: kubeTime(startedAt), finishedAt: kubeTime(startedAt) } },
        };
      }
      return { ...base, imageID, containerID, ready: true, started: true, state: { running: { startedAt: kubeTime(startedAt) } } };
    });
    const ready = started && statuses.every((s) => s.ready);
    const cond = (type: string, ok: boolean, reason?: string): Condition => {
      const old = prev.conditions?.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : kubeTime(now),
        ...(reason && !ok ? { reason } : {}),
      };
    };
    const ip = hashInt(pod.metadata.uid);
    return {
      ...prev,
      phase: started ? 'Running' : 'Pending',
      conditions: [
        cond('PodReadyToStartContainers', started),
        cond('Initialized', true),
        cond('Ready', ready, 'ContainersNotReady'),
        cond('ContainersReady', ready, 'ContainersNotReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '10.0.0.11',
      podIP: `10.244.${(ip >> 8) & 0xff}.${(ip & 0xff) || 1}`,
      podIPs: [{ ip: `10.244.${(ip >> 8) & 0xff}.${(ip & 0xff) || 1}` }],
      startTime: prev.startTime ?? kubeTime(startedAt),
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    };
  }
}
