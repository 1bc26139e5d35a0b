/**
 * Where the sandbox's Argo CD keeps its Applications (in a real install: CRs in etcd).
 * Readers get copies; every write bumps `resourceVersion` (and `generation` when the spec
 * changed) and wakes the listeners, so the controllers react to API writes at once.
 *
 * A copy shares the stored `status.history` entries, frozen, instead of cloning them: a sync
 * replaces the array and never edits an entry, and with the bench world's 10,001 entries every
 * read, write and comparison cloned and walked ~3 MB, which is what made the sandbox's own
 * `GET` of the app slow (issue 19). What is served is the same JSON.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Application, RevisionHistory } from './application.ts';

function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

/** The entries as stored: frozen; one a writer brought is cloned first, so its own objects stay its own. */
function frozenEntries(history: RevisionHistory[]): RevisionHistory[] {
  return history.every((e) => Object.isFrozen(e)) ? history : history.map((e) => (Object.isFrozen(e) ? e : deepFreeze(structuredClone(e))));
}

/** A deep copy but for the history entries, shared and frozen; the keys keep their order. */
function copyApp(app: Application): Application {
  const history = app.status?.history;
  if (history === undefined) return structuredClone(app);
  const copy = structuredClone({ ...app, status: { ...app.status, history: [] as RevisionHistory[] } });
  copy.status.history = history.slice();
  return copy;
}

/** `app` as the store keeps it: its history entries frozen. */
function stored(app: Application): Application {
  if (app.status?.history !== undefined) app.status.history = frozenEntries(app.status.history);
  return app;
}

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
  /** The stored app itself, not a copy, for read-only checks (the ApplicationSet resync). Never mutate it. */
  peek(name: string): Readonly<Application> | undefined;
  /** As `list`, without copies. Never mutate the result. */
  scan(): readonly Readonly<Application>[];
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
    for (const w of watchers) w(type, copyApp(app));
  };
  let version = 1000;
  const notify = (name: string, change: AppChange): void => {
    if (!change.spec && !change.operation && !change.metadata) return;
    for (const l of listeners) queueMicrotask(() => l(name, change));
  };
  return {
    get: (name) => {
      const a = apps.get(name);
      return a ? copyApp(a) : undefined;
    },
    list: () => [...apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map((a) => copyApp(a)),
    peek: (name) => apps.get(name),
    scan: () => [...apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    create(app) {
      const created = stored(structuredClone(app));
      created.metadata.resourceVersion = String(++version);
      created.metadata.generation = 1;
      apps.set(created.metadata.name, created);
      tell('ADDED', created);
      notify(created.metadata.name, { spec: true, operation: created.operation !== undefined, metadata: true });
      return copyApp(created);
    },
    update(name, mutate) {
      const current = apps.get(name);
      if (!current) throw new Error(`application ${name} is gone`);
      const next = copyApp(current);
      mutate(next);
      stored(next);
      // Shared entries compare by identity: only the rest of the app is walked.
      if (isDeepStrictEqual(next, current)) return copyApp(current);
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
      return copyApp(next);
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
