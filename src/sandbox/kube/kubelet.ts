/**
 * A simulated node agent: schedules Pods onto the cluster's node, pulls each container's image
 * once (a tag resolves to the digest the registry serves at that moment, and the container keeps
 * it), runs init containers to completion one after the other, then the containers, each as its
 * image behaves:
 *
 * - healthy / slow: running and Ready after a short start-up;
 * - readiness-fail: running, never Ready;
 * - crash-loop: exits 1 a second after each start and is restarted with the kubelet's back-off,
 *   10 s doubling to 5 min (kubernetes `pkg/kubelet/kubelet.go`: `backOffPeriod`,
 *   `MaxContainerBackOff`), waiting `CrashLoopBackOff` in between with the message of
 *   `pkg/kubelet/kuberuntime/kuberuntime_manager.go` (`doBackOff`), `restartCount` growing;
 * - pull-failure: waiting `ErrImagePull`, then `ImagePullBackOff` ("Back-off pulling image"),
 *   as `pkg/kubelet/images/image_manager.go`; no imageID.
 *
 * Behaviour is asked on every sync, so an image that starts crashing (its dependency broke)
 * crashes in the Pods that already run it. `imageID` and `containerID` are spelled as the
 * cluster's runtime spells them: containerd `repo@sha256:…`, Docker
 * `docker-pullable://repo@sha256:…`.
 */
import { createHash } from 'node:crypto';
import { parseImageReference, resolveImageDigest } from './image-id.ts';
import type { ClusterRegistry } from './registry.ts';
import { kubeTime } from './registry.ts';
import { PODS } from './resources.ts';
import type { Condition, Container, ContainerStatus, ImageHealth, Pod, PodStatus } from './types.ts';

export type ImageHealthFn = (image: string, cluster: string) => ImageHealth;
export type ContainerRuntime = 'containerd' | 'docker';

/** What the node needs of the world's images. */
export interface ImageRuntime {
  /** The manifest digest `image` pulls as now, or why it cannot be pulled. */
  pull(image: string, cluster: string): { readonly digest: string } | { readonly error: string };
  /** How a container of this image behaves now. */
  behaviour(image: string, digest: string, cluster: string): ImageHealth;
  runtime(cluster: string): ContainerRuntime;
}

/** Every image pulls (a tag as a fixed digest of its name) and behaves as `health` says. */
export function imageRuntimeFrom(health: ImageHealthFn): ImageRuntime {
  return {
    pull: (image) => ({ digest: resolveImageDigest(image) }),
    behaviour: (image, _digest, cluster) => health(image, cluster),
    runtime: () => 'containerd',
  };
}

const SCHEDULE_MS = 300;
/** Sandbox ms an init container runs before it completes. */
const INIT_RUN_MS = 400;
/** Sandbox ms from start to Ready: 1-2 s, fixed per pod so runs are reproducible. */
const readyDelayMs = (uid: string): number => 1000 + (hashInt(uid) % 1000);
/** A crash-looping container runs this long before it exits. */
const CRASH_AFTER_MS = 1000;
/** The first pull attempt reports ErrImagePull this long before the back-off begins. */
const PULL_ERROR_MS = 2000;
const BACKOFF_MS = [10_000, 20_000, 40_000, 80_000, 160_000, 300_000];

function hashInt(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Go's `time.Duration` string for whole seconds: `10s`, `1m20s`, `5m0s`. */
function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

interface ContainerRun {
  readonly digest?: string;
  readonly pullError?: string;
  /** Sandbox ms when the image started crashing in this container. */
  crashSince?: number;
  /** `#ids` as last computed, with what they were computed from: a sha256 per container per tick was measurable idle CPU. */
  ids?: { readonly docker: boolean; readonly image: string; readonly imageID: string; readonly containerID: string };
}

interface PodRun {
  readonly seenAt: number;
  readonly containers: Map<string, ContainerRun>;
  /** Per uid and fixed: hashed once, not per container per tick. */
  readonly readyDelayMs: number;
  readonly podIP: string;
  /** Set when the last sync left a Pod no clock can move; see `#settled`. */
  settled?: Settled;
}

/**
 * What a settled Pod's status was computed from. Its status is a function of the stored Pod, the
 * containers' pulls, their images' behaviour and the runtime, and of the clock only while
 * something is still to come (start-up, an init container, a crash cycle, a pull's back-off).
 */
interface Settled {
  readonly resourceVersion: string | undefined;
  readonly behaviours: string;
}

interface Clocked {
  readonly now: number;
  readonly startAt: number;
}

export class Kubelet {
  readonly #registry: ClusterRegistry;
  readonly #images: ImageRuntime;
  readonly #pods = new Map<string, PodRun>();

  constructor(registry: ClusterRegistry, images: ImageRuntime) {
    this.#registry = registry;
    this.#images = images;
  }

  get nodeName(): string {
    return `${this.#registry.name}-node-1`;
  }

  sync(): void {
    const now = this.#registry.now();
    const live = new Set<string>();
    // NOTE: the stored Pods without copies: #syncPod only reads them and writes through the registry, which copies.
    for (const pod of this.#registry.store.scan(PODS) as readonly Pod[]) {
      live.add(pod.metadata.uid);
      if (!this.#pods.has(pod.metadata.uid)) this.#pods.set(pod.metadata.uid, newRun(pod.metadata.uid, now.getTime()));
      this.#syncPod(pod, now);
    }
    for (const uid of this.#pods.keys()) if (!live.has(uid)) this.#pods.delete(uid);
  }

  #syncPod(pod: Pod, now: Date): void {
    const run = this.#pods.get(pod.metadata.uid)!;
    const elapsed = now.getTime() - run.seenAt;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (run.settled && this.#stillSettled(pod, run, run.settled)) return;
    run.settled = undefined;
    if (!pod.spec.nodeName) {
      if (elapsed < SCHEDULE_MS) return;
      pod = this.#registry.update(PODS, pod.metadata.namespace, pod.metadata.name, { ...pod, spec: { ...pod.spec, nodeName: this.nodeName } }) as Pod;
    }
    const { status, timeless } = this.#status(pod, run, now);
    // NOTE: most ticks change nothing; skipping those writes keeps a sandbox of many Pods cheap.
    if (JSON.stringify(status) === JSON.stringify(pod.status)) {
      if (timeless) run.settled = { resourceVersion: pod.metadata.resourceVersion, behaviours: this.#behaviours(pod, run) };
      return;
    }
    this.#registry.update(PODS, pod.metadata.namespace, pod.metadata.name, { ...pod, status }, 'status');
  }

  /**
   * A settled Pod is synced again only when something that concerns it moved: a write to the Pod
   * (its resourceVersion) or a change of a container's behaviour (the world breaking a dependency),
   * as upstream's kubelet syncs a Pod on an API update (`configCh`) or a container event its PLEG
   * relist found (`plegCh`) rather than recomputing every Pod on every loop (kubernetes
   * pkg/kubelet/kubelet.go `syncLoopIteration`, pkg/kubelet/pleg/generic.go `Relist`,
   * pkg/kubelet/pod_workers.go). Unlike upstream's relist period, a behaviour change is seen on the
   * next tick, as before this fast path; nothing a settled Pod shows depends on the clock.
   */
  #stillSettled(pod: Pod, run: PodRun, settled: Settled): boolean {
    return pod.metadata.resourceVersion === settled.resourceVersion && this.#behaviours(pod, run) === settled.behaviours;
  }

  /** The runtime and each pulled container's behaviour now, as one key. */
  #behaviours(pod: Pod, run: PodRun): string {
    let key = this.#images.runtime(this.#registry.name);
    const inits = (pod.spec['initContainers'] as Container[] | undefined) ?? [];
    for (const [list, prefix] of [[inits, 'init/'], [pod.spec.containers, '']] as const) {
      for (const c of list) {
        const digest = run.containers.get(`${prefix}${c.name}`)?.digest;
        key += `|${digest === undefined ? '-' : this.#images.behaviour(c.image ?? '', digest, this.#registry.name)}`;
      }
    }
    return key;
  }

  #pull(run: PodRun, key: string, image: string): ContainerRun {
    let c = run.containers.get(key);
    if (!c) {
      const pulled = this.#images.pull(image, this.#registry.name);
      c = 'digest' in pulled ? { digest: pulled.digest } : { pullError: pulled.error };
      run.containers.set(key, c);
    }
    return c;
  }

  #ids(pod: Pod, c: Container, pulled: ContainerRun, digest: string): { imageID: string; containerID: string } {
    const docker = this.#images.runtime(this.#registry.name) === 'docker';
    const image = c.image ?? '';
    if (pulled.ids?.docker === docker && pulled.ids.image === image) return { imageID: pulled.ids.imageID, containerID: pulled.ids.containerID };
    const repoDigest = `${parseImageReference(image).repository}@${digest}`;
    const hex = createHash('sha256').update(`${pod.metadata.uid}/${c.name}/${digest}`).digest('hex');
    const ids = { imageID: docker ? `docker-pullable://${repoDigest}` : repoDigest, containerID: `${docker ? 'docker' : 'containerd'}://${hex}` };
    pulled.ids = { docker, image, ...ids };
    return ids;
  }

  /** The Pod's status at `now`; `timeless` when no later time alone could change it. */
  #status(pod: Pod, run: PodRun, now: Date): { status: PodStatus; timeless: boolean } {
    const prev = pod.status ?? {};
    const t0 = run.seenAt + SCHEDULE_MS;
    const at = (ms: number) => kubeTime(new Date(ms));
    const inits = (pod.spec['initContainers'] as Container[] | undefined) ?? [];

    // Init containers, one after the other; a stuck one holds the rest and every container.
    const initStatuses: ContainerStatus[] = [];
    let next = t0;
    let initialized = true;
    for (const c of inits) {
      if (!initialized) {
        initStatuses.push(base(c, { waiting: { reason: 'PodInitializing' } }));
        continue;
      }
      const s = this.#container(pod, run, c, true, { now: now.getTime(), startAt: next });
      initStatuses.push(s.status);
      if (!s.done) initialized = false;
      else next = s.doneAt;
    }

    const mainStart = next;
    // `done` for a container: past its start-up, not crashing, pulled; from then on only a write or a behaviour moves it.
    const mainDones: boolean[] = [];
    const statuses = pod.spec.containers.map((c) => {
      if (!initialized) return base(c, { waiting: { reason: 'PodInitializing' } });
      const s = this.#container(pod, run, c, false, { now: now.getTime(), startAt: mainStart });
      mainDones.push(s.done);
      return s.status;
    });
    const running = initialized && statuses.some((s) => 'running' in s.state);
    const started = initialized && statuses.some((s) => s.imageID !== '');
    const ready = initialized && statuses.every((s) => s.ready);
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
    const podIP = run.podIP;
    const mainDone = initialized && mainDones.every(Boolean);
    const status: PodStatus = {
      ...prev,
      phase: running || (started && initialized) ? 'Running' : 'Pending',
      conditions: [
        cond('PodReadyToStartContainers', true),
        cond('Initialized', initialized, 'ContainersNotInitialized'),
        cond('Ready', ready, 'ContainersNotReady'),
        cond('ContainersReady', ready, 'ContainersNotReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '10.0.0.11',
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: prev.startTime ?? at(t0),
      ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    };
    return { status, timeless: mainDone };
  }

  /** One container's status at `now`, having been allowed to start at `startAt`. */
  #container(pod: Pod, run: PodRun, c: Container, init: boolean, t: Clocked): { status: ContainerStatus; done: boolean; doneAt: number } {
    const key = `${init ? 'init/' : ''}${c.name}`;
    const image = c.image ?? '';
    const at = (ms: number) => kubeTime(new Date(ms));
    const pending = { status: base(c, { waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' } }), done: false, doneAt: 0 };
    if (t.now < t.startAt) return pending;
    const pulled = this.#pull(run, key, image);
    if (pulled.pullError !== undefined) {
      const first = t.now - t.startAt < PULL_ERROR_MS;
      const waiting = first
        ? { reason: 'ErrImagePull', message: `failed to pull and unpack image "${image}": ${pulled.pullError}` }
        : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      return { status: base(c, { waiting }), done: false, doneAt: 0 };
    }
    const digest = pulled.digest!;
    const ids = this.#ids(pod, c, pulled, digest);
    const behaviour = this.#images.behaviour(image, digest, this.#registry.name);
    const readyAt = t.startAt + (init ? INIT_RUN_MS : run.readyDelayMs);
    if (behaviour !== 'crashloop') pulled.crashSince = undefined;
    else pulled.crashSince ??= Math.max(t.startAt, t.now);

    if (pulled.crashSince !== undefined) return { status: this.#crashing(pod, c, ids, pulled.crashSince, t.now), done: false, doneAt: 0 };
    if (init) {
      if (t.now < readyAt) return { status: { ...base(c, { running: { startedAt: at(t.startAt) } }), ...ids, started: true }, done: false, doneAt: 0 };
      return {
        status: { ...base(c, { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(t.startAt), finishedAt: at(readyAt), containerID: ids.containerID } }), ...ids, ready: true },
        done: true,
        doneAt: readyAt,
      };
    }
    if (t.now < readyAt) return { status: { ...base(c, { running: { startedAt: at(t.startAt) } }), ...ids, started: true }, done: false, doneAt: 0 };
    const ready = behaviour !== 'readiness-fail';
    return { status: { ...base(c, { running: { startedAt: at(t.startAt) } }), ...ids, started: true, ready }, done: true, doneAt: readyAt };
  }

  /** Runs `CRASH_AFTER_MS`, exits 1, waits out the back-off, restarts: where in that cycle is it now? */
  #crashing(pod: Pod, c: Container, ids: { imageID: string; containerID: string }, since: number, now: number): ContainerStatus {
    const at = (ms: number) => kubeTime(new Date(ms));
    let start = since;
    let restarts = 0;
    let previous: { startedAt: number; finishedAt: number } | undefined;
    for (;;) {
      const exit = start + CRASH_AFTER_MS;
      const lastState = (p: { startedAt: number; finishedAt: number } | undefined) =>
        p ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(p.startedAt), finishedAt: at(p.finishedAt), containerID: ids.containerID } } } : {};
      if (now < exit) return { ...base(c, { running: { startedAt: at(start) } }), ...ids, started: true, restartCount: restarts, ...lastState(previous) };
      const backoff = BACKOFF_MS[Math.min(restarts, BACKOFF_MS.length - 1)]!;
      previous = { startedAt: start, finishedAt: exit };
      if (now < exit + backoff) {
        const message = `back-off ${goDuration(backoff)} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid})`;
        return { ...base(c, { waiting: { reason: 'CrashLoopBackOff', message } }), ...ids, restartCount: restarts, ...lastState(previous) };
      }
      start = exit + backoff;
      restarts++;
    }
  }
}

function newRun(uid: string, seenAt: number): PodRun {
  const ip = hashInt(uid);
  return { seenAt, containers: new Map(), readyDelayMs: readyDelayMs(uid), podIP: `10.244.${(ip >> 8) & 0xff}.${(ip & 0xff) || 1}` };
}

function base(c: Container, state: Record<string, unknown>): ContainerStatus {
  return { name: c.name, image: c.image ?? '', imageID: '', restartCount: 0, ready: false, started: false, state };
}
