/**
 * Argo CD `v1alpha1.ApplicationSet` as the sandbox stores and serves it, its store, and what
 * its list generator and Go template produce: the desired Applications (shapes from upstream's
 * `pkg/apis/application/v1alpha1/applicationset_types.go`).
 */
import { randomUUID } from 'node:crypto';
import type { Application, ApplicationSpec } from './application.ts';

/** `create-only`, `create-update`, `create-delete`, `sync` (upstream's default when unset). */
export type ApplicationsSyncPolicy = 'create-only' | 'create-update' | 'create-delete' | 'sync';
export const APPLICATIONS_SYNC_POLICIES: readonly ApplicationsSyncPolicy[] = ['create-only', 'create-update', 'create-delete', 'sync'];

export interface AppSetTemplate {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec: ApplicationSpec;
}

export interface ApplicationSet {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ApplicationSet';
  metadata: { name: string; namespace: string; uid: string; creationTimestamp: string; resourceVersion?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    goTemplate?: boolean;
    generators: { list?: { elements: Record<string, string>[] } }[];
    template: AppSetTemplate;
    syncPolicy?: { applicationsSync?: ApplicationsSyncPolicy; preserveResourcesOnDeletion?: boolean };
    ignoreApplicationDifferences?: { jsonPointers?: string[]; jqPathExpressions?: string[]; name?: string }[];
    preservedFields?: { annotations?: string[]; labels?: string[] };
  };
  /** Upstream's `ApplicationSetStatus.resources`: the Applications the set generated, filled when served. */
  status?: { resources?: { group: string; version: string; kind: string; name: string; namespace: string; status?: string; health?: { status: string } }[] };
}

export interface AppSetStore {
  get(name: string): ApplicationSet | undefined;
  list(): ApplicationSet[];
  upsert(set: ApplicationSet): ApplicationSet;
  onChange(listener: (name: string) => void): () => void;
}

export function createAppSetStore(): AppSetStore {
  const sets = new Map<string, ApplicationSet>();
  const listeners = new Set<(name: string) => void>();
  let version = 500;
  return {
    get: (name) => structuredClone(sets.get(name)),
    list: () => [...sets.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map((s) => structuredClone(s)),
    upsert(set) {
      const prev = sets.get(set.metadata.name);
      const stored = structuredClone(set);
      stored.metadata.uid = prev?.metadata.uid ?? (stored.metadata.uid || randomUUID());
      stored.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? stored.metadata.creationTimestamp;
      stored.metadata.resourceVersion = String(++version);
      stored.metadata.generation = (prev?.metadata.generation ?? 0) + 1;
      sets.set(stored.metadata.name, stored);
      for (const l of listeners) queueMicrotask(() => l(stored.metadata.name));
      return structuredClone(stored);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Upstream's `ApplicationsSyncPolicy.AllowUpdate/AllowDelete`; unset means `sync` (the controller's `--policy ''`). */
export function policyOf(set: ApplicationSet): { update: boolean; delete: boolean } {
  const p = set.spec.syncPolicy?.applicationsSync ?? 'sync';
  return { update: p === 'create-update' || p === 'sync', delete: p === 'sync' || p === 'create-delete' };
}

/** `{{.service}}` -> the element's value, in every string of `value` (the Go template subset the world uses). */
function render<T>(value: T, params: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return value.replace(/\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, k: string) => params[k] ?? '') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => render(v, params)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, params)])) as T;
  }
  return value;
}

/** What the generators and the template make: one Application (metadata and spec only) per element. */
export function generateApplications(set: ApplicationSet): Pick<Application, 'metadata' | 'spec'>[] {
  const elements = set.spec.generators.flatMap((g) => g.list?.elements ?? []);
  return elements.map((params) => {
    const t = render(set.spec.template, params);
    return {
      metadata: {
        name: t.metadata.name,
        namespace: t.metadata.namespace ?? set.metadata.namespace,
        uid: '',
        resourceVersion: '',
        generation: 0,
        creationTimestamp: '',
        ...(t.metadata.labels ? { labels: t.metadata.labels } : {}),
        ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}),
        ...(t.metadata.finalizers ? { finalizers: t.metadata.finalizers } : {}),
      },
      spec: normalizeSpec(t.spec),
    };
  });
}

/**
 * Upstream's `argo.NormalizeApplicationSpec` for the fields the sandbox models: an empty
 * project is `default`, an empty syncPolicy is none (so nil and `{}` do not fight).
 */
export function normalizeSpec(spec: ApplicationSpec): ApplicationSpec {
  const out = structuredClone(spec);
  if (!out.project) out.project = 'default';
  const sp = out.syncPolicy;
  if (sp && (sp.automated === undefined || sp.automated === null) && !(sp.syncOptions?.length)) delete out.syncPolicy;
  return out;
}
