/**
 * A Deployment (or an Argo Rollout) and its Pods as rewind's frozen `WorkloadState`. Pure: the
 * client reads the objects, these functions only map them.
 */
import type { V1Container, V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { PodImage, WorkloadRef, WorkloadState } from '../../core/domain.ts';
import type { LabelSelector } from './label-selector.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

type Condition = WorkloadState['conditions'][number];

/**
 * `replicas` is the larger of the desired count and the Pods that exist, so that the domain's
 * `updatedReplicas === replicas` gate is kubectl's two checks in one: all desired Pods updated,
 * and no old Pod still waiting to terminate.
 */
export function fromDeployment(ref: WorkloadRef, d: V1Deployment, pods: readonly V1Pod[]): WorkloadState {
  const status = d.status ?? {};
  return freeze(ref, {
    generation: d.metadata?.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
    replicas: Math.max(d.spec?.replicas ?? 1, status.replicas ?? 0),
    updatedReplicas: status.updatedReplicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    availableReplicas: status.availableReplicas ?? 0,
    paused: d.spec?.paused ?? false,
    images: [...templateImages(d.spec?.template.spec?.containers ?? [], false), ...templateImages(d.spec?.template.spec?.initContainers ?? [], true)],
    conditions: (status.conditions ?? []).map((c) => condition(c.type, c.status, c.reason, c.message, kubeTime(c.lastUpdateTime), kubeTime(c.lastTransitionTime))),
    pods: podImages(pods),
  });
}

/** The Deployment's selector, for listing its Pods. */
export function deploymentSelector(d: V1Deployment): LabelSelector | undefined {
  return d.spec?.selector;
}

/**
 * An `argoproj.io/v1alpha1` Rollout (JSON from CustomObjectsApi), best effort: Rollouts keep
 * `status.observedGeneration` as a string (a number in current versions, a hash in old ones),
 * and report pauses and aborts through `phase`, added here as a `Phase` condition.
 */
export function fromRollout(ref: WorkloadRef, json: unknown, pods: readonly V1Pod[]): WorkloadState {
  const r = obj(json);
  const spec = obj(r['spec']);
  const status = obj(r['status']);
  const generation = num(obj(r['metadata'])['generation']) ?? 0;
  const phase = str(status['phase']);
  const conditions = arr(status['conditions']).map((c) => {
    const o = obj(c);
    return condition(str(o['type']) ?? '', str(o['status']) ?? '', str(o['reason']), str(o['message']), str(o['lastUpdateTime']), str(o['lastTransitionTime']));
  });
  if (phase) conditions.push(condition('Phase', phase, status['abort'] === true ? 'Aborted' : undefined, str(status['message'])));
  const podSpec = obj(obj(spec['template'])['spec']);
  const containers = [
    ...arr(podSpec['containers']).map((c) => ({ c: obj(c), init: false })),
    ...arr(podSpec['initContainers']).map((c) => ({ c: obj(c), init: true })),
  ];
  return freeze(ref, {
    generation,
    observedGeneration: num(status['observedGeneration']) ?? generation,
    replicas: Math.max(num(spec['replicas']) ?? 1, num(status['replicas']) ?? 0),
    updatedReplicas: num(status['updatedReplicas']) ?? 0,
    readyReplicas: num(status['readyReplicas']) ?? 0,
    availableReplicas: num(status['availableReplicas']) ?? 0,
    paused: spec['paused'] === true || arr(status['pauseConditions']).length > 0 || phase === 'Paused',
    images: containers.map(({ c, init }) => Object.freeze({ container: str(c['name']) ?? '', image: str(c['image']) ?? '', ...(init ? { init } : {}) })),
    conditions,
    pods: podImages(pods),
  });
}

/** The Deployment a Rollout's `spec.workloadRef` names, when it carries no template of its own. */
export function workloadRefName(rollout: unknown): string | undefined {
  const spec = obj(obj(rollout)['spec']);
  const ref = obj(spec['workloadRef']);
  if (str(ref['kind']) !== 'Deployment' || Object.keys(obj(spec['template'])).length > 0) return undefined;
  return str(ref['name']);
}

/**
 * The Rollout as its controller sees it (argo-rollouts `rollout/templateref.go` Resolve): the
 * referenced Deployment's template, and its selector when the Rollout names none.
 */
export function withWorkloadTemplate(rollout: unknown, deployment: unknown): unknown {
  const r = obj(rollout);
  const spec = obj(r['spec']);
  const d = obj(obj(deployment)['spec']);
  return { ...r, spec: { ...spec, template: d['template'], ...(spec['selector'] === undefined ? { selector: d['selector'] } : {}) } };
}

export function rolloutSelector(json: unknown): LabelSelector | undefined {
  const selector = obj(obj(obj(json)['spec'])['selector']);
  const matchLabels = obj(selector['matchLabels']);
  const labels = Object.fromEntries(Object.entries(matchLabels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { matchLabels: labels };
}

/**
 * The running digest: a container runtime reports `imageID` as `repo@sha256:…`; Docker prefixes
 * it with `docker-pullable://`. Docker's `docker://sha256:<config id>` names no registry digest,
 * so it maps to '' here (the raw value stays in `runtimeImageID`, see core/image-id.ts).
 */
export function normaliseImageID(imageID: string | undefined): string {
  const s = imageID ?? '';
  if (s.startsWith('docker://')) return '';
  return s.replace(/^docker-pullable:\/\//, '');
}

/**
 * Pods that are terminating or finished are left out: they no longer serve traffic, and the
 * digest check is about what does.
 */
function podImages(pods: readonly V1Pod[]): PodImage[] {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  return live
    .flatMap((p) => {
      const pod = p.metadata?.name ?? '';
      const regular = new Map((p.status?.containerStatuses ?? []).map((s) => [s.name, s]));
      const init = new Map((p.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
      return [
        ...(p.spec?.containers ?? []).map((c) => podImage(pod, c, regular.get(c.name), false)),
        ...(p.spec?.initContainers ?? []).map((c) => podImage(pod, c, init.get(c.name), true)),
      ];
    })
    .sort((a, b) => byCodeUnit(a.pod, b.pod) || Number(a.init ?? false) - Number(b.init ?? false) || byCodeUnit(a.container, b.container));
}

// NOTE: Pod and container names are DNS labels ([a-z0-9-.]), which code-unit order sorts as ICU's
// collation does; `localeCompare` would build ICU's collator (~5 ms) in every plan (issue 19).
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One container of a Pod, with what its runtime reports: the raw imageID, why it waits, how it last ended. */
function podImage(pod: string, c: V1Container, s: V1ContainerStatus | undefined, init: boolean): PodImage {
  const waiting = s?.state?.waiting;
  const last = s?.lastState?.terminated;
  return Object.freeze({
    pod,
    container: c.name,
    image: c.image ?? s?.image ?? '',
    imageID: normaliseImageID(s?.imageID),
    runtimeImageID: s?.imageID ?? '',
    ready: s?.ready ?? false,
    restartCount: s?.restartCount ?? 0,
    ...(init ? { init } : {}),
    ...(waiting?.reason ? { waiting: Object.freeze({ reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) }) } : {}),
    ...(last ? { lastTerminated: Object.freeze({ ...(last.reason ? { reason: last.reason } : {}), exitCode: last.exitCode }) } : {}),
  });
}

function templateImages(containers: readonly V1Container[], init: boolean) {
  return containers.map((c) => Object.freeze({ container: c.name, image: c.image ?? '', ...(init ? { init } : {}) }));
}

/** client-node parses timestamps into Dates; the domain keeps the API's RFC 3339 text. */
function kubeTime(t: Date | string | undefined): string | undefined {
  if (t === undefined) return undefined;
  const d = typeof t === 'string' ? new Date(t) : t;
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function condition(type: string, status: string, reason: string | undefined, message: string | undefined, lastUpdateTime?: string, lastTransitionTime?: string): Condition {
  return Object.freeze({
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(lastUpdateTime ? { lastUpdateTime } : {}),
    ...(lastTransitionTime ? { lastTransitionTime } : {}),
  });
}

function freeze(ref: WorkloadRef, w: Omit<WorkloadState, 'ref'>): WorkloadState {
  return Object.freeze({
    ref,
    ...w,
    images: Object.freeze(w.images),
    conditions: Object.freeze(w.conditions),
    pods: Object.freeze(w.pods),
  });
}
