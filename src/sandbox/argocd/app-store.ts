/**
 * Where the sandbox's Argo CD keeps its Applications (in a real install: CRs in etcd).
 * Readers get copies; every write bumps `resourceVersion` (and `generation` when the spec
 * changed) and wakes the listeners, so the controllers react to API writes at once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Application } from './application.ts';

/**
 * `spec`: the spec changed (or the app was created or deleted); `operation`: an operation was
 * requested; `metadata`: labels, annotations, finalizers or owners changed. Status-only writes
 * notify nobody.
 */
export interface AppChange {
  readonly spec: boolean;
  readonly operation: boolean;
  readonly metadata: boolean;
}
export type AppListener = (name: string, change: AppChange) => void;
/** Every stored change, status included, with a copy of the app as stored (the stream API's feed). */
export type AppWatcher = (type: 'ADDED' | 'MODIFIED' | 'DELETED', app: Application) => void;

export interface AppStore {
  get(name: string): Application | undefined;
  list(): Application[];
  create(app: Application): Application;
  /** Applies `mutate` to a copy and stores it; returns the stored copy. Throws if the app is gone. */
  update(name: string, mutate: (app: Application) => void): Application;
  /** Removes the app (no cascade: the sandbox's Applications carry no deletion finalizer logic). */
  delete(name: string): boolean;
  onChange(listener: AppListener): () => void;
  /** Every write that changed the app, status-only ones too, in order (routes-stream.ts). */
  watch(watcher: AppWatcher): () => void;
}

export function createAppStore(): AppStore {
  const apps = new Map<string, Application>();
  const listeners = new Set<AppListener>();
  const watchers = new Set<AppWatcher>();
  const tell = (type: 'ADDED' | 'MODIFIED' | 'DELETED', app: Application): void => {
    for (const w of watchers) w(type, structuredClone(app));
  };
  let version = 1000;
  const notify = (name: string, change: AppChange): void => {
    if (!change.spec && !change.operation && !change.metadata) return;
    for (const l of listeners) queueMicrotask(() => l(name, change));
  };
  return {
    get: (name) => {
      const a = apps.get(name);
      return a ? structuredClone(a) : undefined;
    },
    list: () => [...apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map((a) => structuredClone(a)),
    create(app) {
      const stored = structuredClone(app);
      stored.metadata.resourceVersion = String(++version);
      stored.metadata.generation = 1;
      apps.set(stored.metadata.name, stored);
      tell('ADDED', stored);
      notify(stored.metadata.name, { spec: true, operation: stored.operation !== undefined, metadata: true });
      return structuredClone(stored);
    },
    update(name, mutate) {
      const current = apps.get(name);
      if (!current) throw new Error(`application ${name} is gone`);
      const next = structuredClone(current);
      mutate(next);
      if (isDeepStrictEqual(next, current)) return structuredClone(current);
      const spec = !isDeepStrictEqual(next.spec, current.spec);
      if (spec) next.metadata.generation = current.metadata.generation + 1;
      next.metadata.resourceVersion = String(++version);
      apps.set(name, next);
      tell('MODIFIED', next);
      const { resourceVersion: _n, generation: _ng, ...nextMeta } = next.metadata;
      const { resourceVersion: _c, generation: _cg, ...currentMeta } = current.metadata;
      notify(name, {
        spec,
        operation: next.operation !== undefined && !isDeepStrictEqual(next.operation, current.operation),
        metadata: !isDeepStrictEqual(nextMeta, currentMeta),
      });
      return structuredClone(next);
    },
    delete(name) {
      const was = apps.get(name);
      const gone = apps.delete(name);
      if (was) tell('DELETED', was);
      if (gone) notify(name, { spec: true, operation: false, metadata: true });
      return gone;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch(watcher) {
      watchers.add(watcher);
      return () => void watchers.delete(watcher);
    },
  };
}
