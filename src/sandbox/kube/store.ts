/**
 * One cluster's objects, its resourceVersion counter and its change log. Raw storage only:
 * the API semantics (defaults, conflicts, generation) live in `registry.ts`.
 */
import type { ResourceType } from './resources.ts';
import type { StoredObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly resource: ResourceType;
  readonly object: StoredObject;
  readonly resourceVersion: number;
}

const LOG_SIZE = 5000;

const keyOf = (type: ResourceType, namespace: string | undefined, name: string): string =>
  `${type.group}/${type.plural}/${namespace ?? ''}/${name}`;

export class ObjectStore {
  #resourceVersion = 0;
  readonly #objects = new Map<string, StoredObject>();
  readonly #keysByType = new Map<string, Set<string>>();
  readonly #log: StoreEvent[] = [];
  readonly #listeners = new Set<(event: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  /** Reserves the next resourceVersion (a global counter per cluster, as etcd's revision). */
  nextResourceVersion(): string {
    return String(++this.#resourceVersion);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    const found = this.#objects.get(keyOf(type, type.namespaced ? namespace : undefined, name));
    return found && structuredClone(found);
  }

  /**
   * The stored object itself, not a copy: for read-only checks on every tick (an owner's uid),
   * where a clone per look was most of an idle sandbox's CPU. Never mutate what it returns.
   */
  peek(type: ResourceType, namespace: string | undefined, name: string): Readonly<StoredObject> | undefined {
    return this.#objects.get(keyOf(type, type.namespaced ? namespace : undefined, name));
  }

  /**
   * Objects of a type, in one namespace or all, sorted by namespace then name like etcd keys.
   * `where` sees the stored object (it must not mutate it) and only what it keeps is copied:
   * a controller that wants one owner's ReplicaSets no longer clones every ReplicaSet per owner.
   */
  list(type: ResourceType, namespace?: string, where?: (stored: Readonly<StoredObject>) => boolean): StoredObject[] {
    return this.scan(type, namespace, where).map((obj) => structuredClone(obj) as StoredObject);
  }

  /** As `list`, without copies: read-only passes (the garbage collector's owner check). Never mutate the result. */
  scan(type: ResourceType, namespace?: string, where?: (stored: Readonly<StoredObject>) => boolean): Readonly<StoredObject>[] {
    const prefix = `${type.group}/${type.plural}/${namespace !== undefined && type.namespaced ? `${namespace}/` : ''}`;
    // NOTE: controllers list every tick; scanning only this type's keys keeps an idle sandbox cheap.
    const ofType = this.#keysByType.get(`${type.group}/${type.plural}`);
    if (!ofType) return [];
    return [...ofType]
      .filter((key) => key.startsWith(prefix))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((key) => this.#objects.get(key) as StoredObject)
      .filter((obj) => where === undefined || where(obj));
  }

  /** Stores `object` (its resourceVersion already set) and tells watchers. */
  put(type: ResourceType, object: StoredObject, eventType: 'ADDED' | 'MODIFIED'): void {
    const key = keyOf(type, type.namespaced ? object.metadata.namespace : undefined, object.metadata.name);
    this.#objects.set(key, structuredClone(object));
    const typeKey = `${type.group}/${type.plural}`;
    let keys = this.#keysByType.get(typeKey);
    if (!keys) this.#keysByType.set(typeKey, (keys = new Set()));
    keys.add(key);
    this.#emit({ type: eventType, resource: type, object: structuredClone(object), resourceVersion: Number(object.metadata.resourceVersion) });
  }

  remove(type: ResourceType, object: StoredObject): void {
    const key = keyOf(type, type.namespaced ? object.metadata.namespace : undefined, object.metadata.name);
    if (!this.#objects.delete(key)) return;
    this.#keysByType.get(`${type.group}/${type.plural}`)?.delete(key);
    const gone = structuredClone(object);
    gone.metadata.resourceVersion = this.nextResourceVersion();
    this.#emit({ type: 'DELETED', resource: type, object: gone, resourceVersion: Number(gone.metadata.resourceVersion) });
  }

  /** Events after `resourceVersion`, or `gone` when the log no longer reaches that far back. */
  eventsSince(resourceVersion: number): StoreEvent[] | 'gone' {
    const first = this.#log[0];
    if (first && resourceVersion < first.resourceVersion - 1 && resourceVersion < this.#resourceVersion) return 'gone';
    return this.#log.filter((e) => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: StoreEvent): void {
    this.#log.push(event);
    if (this.#log.length > LOG_SIZE) this.#log.splice(0, this.#log.length - LOG_SIZE);
    for (const listener of this.#listeners) listener(event);
  }
}
