/**
 * The API server's defaulting for the kinds the sandbox runs, so a manifest PUT without
 * defaults compares equal to the stored template (no spurious new ReplicaSet), and
 * `kubectl get -o yaml` shows what a real cluster shows.
 */
import type { Container, KubeObject, PodTemplate } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function defaultContainer(c: Container): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (c.imagePullPolicy === undefined) {
    const image = c.image ?? '';
    const tagged = /:[^/]+$/.test(image.split('@')[0] ?? '');
    c.imagePullPolicy = !image.includes('@') && (!tagged || image.split('@')[0]!.endsWith(':latest')) ? 'Always' : 'IfNotPresent';
  }
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) defaultContainer(c as Container);
  }
}

function defaultTemplate(template: PodTemplate | undefined): void {
  if (!template) return;
  // NOTE: Go serializes a template's zero creationTimestamp as null; drop it so templates compare equal.
  if (template.metadata) delete template.metadata.creationTimestamp;
  if (isObj(template.spec)) defaultPodSpec(template.spec);
}

function defaultRollingStrategy(spec: Obj): void {
  const strategy = isObj(spec.strategy) ? spec.strategy : (spec.strategy = {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : (strategy.rollingUpdate = {});
    rolling.maxSurge ??= '25%';
    rolling.maxUnavailable ??= '25%';
  }
}

/** Fills in defaults in place, by kind. */
export function applyDefaults(object: KubeObject): void {
  const spec = isObj(object.spec) ? object.spec : undefined;
  switch (object.kind) {
    case 'Deployment':
      if (!spec) return;
      spec.replicas ??= 1;
      defaultRollingStrategy(spec);
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      defaultTemplate(spec.template as PodTemplate | undefined);
      return;
    case 'ReplicaSet':
      if (!spec) return;
      spec.replicas ??= 1;
      defaultTemplate(spec.template as PodTemplate | undefined);
      return;
    case 'Rollout':
      if (!spec) return;
      spec.replicas ??= 1;
      defaultTemplate(spec.template as PodTemplate | undefined);
      return;
    case 'Pod':
      if (spec) defaultPodSpec(spec);
      return;
    case 'Namespace': {
      const s = spec ?? (object.spec = {});
      s.finalizers ??= ['kubernetes'];
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name ?? '' };
      return;
    }
  }
}
