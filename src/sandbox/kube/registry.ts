/**
 * The API server's write semantics over one cluster's store: names and uids, defaults,
 * validation, resourceVersion conflicts, generation bumps on spec changes, and the
 * split between a resource and its `status` subresource. HTTP handlers and the
 * in-process controllers both write through it, as both write through a real apiserver.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../clock.ts';
import { applyDefaults } from './defaults.ts';
import { apiVersionOf, NAMESPACES, RESOURCE_TYPES, type ResourceType } from './resources.ts';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './status-error.ts';
import { fromLabelSelector, matchesLabels } from './selectors.ts';
import { ObjectStore } from './store.ts';
import type { ExternalHandler } from './external.ts';
import type { KubeObject, LabelSelector, PodTemplate, StoredObject } from './types.ts';

/** Kinds whose `metadata.generation` tracks spec changes. */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'Rollout', 'AnalysisRun']);

/** Seconds precision, as Kubernetes serializes metav1.Time. */
export const kubeTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const randomSuffix = (): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class ClusterRegistry {
  readonly name: string;
  readonly store = new ObjectStore();
  /** Handlers of `external` resource types this cluster serves, by plural (kube/external.ts). */
  readonly external = new Map<string, ExternalHandler>();
  readonly #clock: SandboxClock;

  constructor(name: string, clock: SandboxClock) {
    this.name = name;
    this.#clock = clock;
    // A fresh cluster's namespaces.
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACES, undefined, { metadata: { name: ns } });
    }
  }

  now(): Date {
    return this.#clock.now();
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const found = this.store.get(type, namespace, name);
    if (!found) throw notFound(type, name);
    return found;
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject): StoredObject {
    if (body.metadata === null || typeof body.metadata !== 'object') body.metadata = {};
    const meta = body.metadata;
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      namespace = namespace ?? meta.namespace ?? 'default';
      if (!this.store.get(NAMESPACES, undefined, namespace)) throw notFound(NAMESPACES, namespace);
    }
    let name = meta.name;
    if (!name && meta.generateName) {
      do name = meta.generateName + randomSuffix();
      while (this.store.get(type, namespace, name));
    }
    if (!name) throw invalid(type, '', 'metadata.name: Required value: name or generateName is required');
    if (this.store.get(type, namespace, name)) throw alreadyExists(type, name);

    const object = structuredClone(body) as StoredObject;
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    const { deletionTimestamp: _d, resourceVersion: _rv, ...rest } = meta;
    object.metadata = {
      ...rest,
      name,
      ...(type.namespaced ? { namespace } : {}),
      uid: randomUUID(),
      resourceVersion: '',
      creationTimestamp: kubeTime(this.now()),
      ...(GENERATION_KINDS.has(type.kind) ? { generation: 1 } : {}),
    };
    if (!type.namespaced) delete object.metadata.namespace;
    // Status is the controllers' to write: a create starts from the kind's initial status.
    if (type.subresources.includes('status')) object.status = initialStatus(type.kind);
    applyDefaults(object);
    validate(type, object);
    object.metadata.resourceVersion = this.store.nextResourceVersion();
    this.store.put(type, object, 'ADDED');
    return structuredClone(object);
  }

  /** A PUT of the whole object (or of its status when `subresource` is `status`). */
  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, subresource?: 'status'): StoredObject {
    // NOTE: controllers write every object's status every tick and nearly all of those writes
    // change nothing; comparing the status alone first spares copying the whole object for them.
    const stored = subresource === 'status' ? this.store.peek(type, namespace, name) : undefined;
    const rv = body.metadata?.resourceVersion;
    if (stored && (rv === undefined || rv === '' || rv === stored.metadata.resourceVersion) && (body.metadata?.name ?? name) === name && same(body.status, stored.status)) {
      return structuredClone(stored);
    }
    const existing = this.get(type, namespace, name);
    if (body.metadata === null || typeof body.metadata !== 'object') body.metadata = {};
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const wanted = body.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) throw conflict(type, name);

    let next: StoredObject;
    if (subresource === 'status') {
      next = { ...existing, status: structuredClone(body.status) };
    } else {
      next = structuredClone(body) as StoredObject;
      next.apiVersion = existing.apiVersion;
      next.kind = existing.kind;
      next.metadata = {
        ...next.metadata,
        name,
        uid: existing.metadata.uid,
        resourceVersion: existing.metadata.resourceVersion,
        creationTimestamp: existing.metadata.creationTimestamp,
        ...(type.namespaced ? { namespace: existing.metadata.namespace } : {}),
        ...(existing.metadata.generation !== undefined ? { generation: existing.metadata.generation } : {}),
        ...(existing.metadata.deletionTimestamp ? { deletionTimestamp: existing.metadata.deletionTimestamp } : {}),
      };
      if (type.subresources.includes('status')) next.status = existing.status;
      applyDefaults(next);
      validate(type, next);
      if (next.metadata.generation !== undefined && !same(next.spec, existing.spec)) next.metadata.generation += 1;
    }
    // NOTE: a no-op update keeps the resourceVersion and sends no watch event, as etcd does.
    if (same(next, existing)) return existing;
    next.metadata.resourceVersion = this.store.nextResourceVersion();
    this.store.put(type, next, 'MODIFIED');
    return structuredClone(next);
  }

  /** Deletes an object; a Namespace takes its contents with it. Dependents go with the garbage collector. */
  delete(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const existing = this.get(type, namespace, name);
    if (type === NAMESPACES) {
      for (const t of RESOURCE_TYPES.filter((r) => r.namespaced)) {
        for (const o of this.store.list(t, name)) this.store.remove(t, o);
      }
    }
    this.store.remove(type, existing);
    return existing;
  }
}

function initialStatus(kind: string): unknown {
  switch (kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: 'BestEffort' };
    case 'Namespace':
      return { phase: 'Active' };
    case 'ReplicaSet':
      return { replicas: 0 };
    default:
      return {};
  }
}

function validate(type: ResourceType, object: StoredObject): void {
  const name = object.metadata.name;
  const spec = object.spec as { selector?: LabelSelector; template?: PodTemplate; containers?: unknown[] } | undefined;
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') {
    const selector = spec?.selector;
    if (!selector || (!selector.matchLabels && !selector.matchExpressions)) throw invalid(type, name, 'spec.selector: Required value');
    if (!matchesLabels(fromLabelSelector(selector), spec?.template?.metadata?.labels)) {
      throw invalid(type, name, 'spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
    }
    validateContainers(type, name, 'spec.template.spec.containers', spec?.template?.spec?.containers);
  }
  if (type.kind === 'Pod') validateContainers(type, name, 'spec.containers', spec?.containers);
}

function validateContainers(type: ResourceType, name: string, path: string, containers: unknown[] | undefined): void {
  if (!Array.isArray(containers) || containers.length === 0) throw invalid(type, name, `${path}: Required value`);
  containers.forEach((c, i) => {
    const container = c as { name?: unknown; image?: unknown };
    if (typeof container.name !== 'string' || !container.name) throw invalid(type, name, `${path}[${i}].name: Required value`);
    if (typeof container.image !== 'string' || !container.image) throw invalid(type, name, `${path}[${i}].image: Required value`);
  });
}
