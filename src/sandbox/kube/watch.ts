/**
 * Watch streams: `?watch=true` answers with a chunked stream of
 * `{"type":"ADDED|MODIFIED|DELETED","object":…}\n` lines that stays open until
 * `timeoutSeconds` (real time, as clients count it) or the client goes away.
 */
import type { ServerResponse } from 'node:http';
import type { ClusterRegistry } from './registry.ts';
import type { ResourceType } from './resources.ts';
import { matchesFields, matchesLabels, type Selector } from './selectors.ts';
import { statusObject } from './status-error.ts';
import type { StoreEvent } from './store.ts';
import type { StoredObject } from './types.ts';

export interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly labels: Selector;
  readonly fields: Selector;
  readonly resourceVersion: string | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  /** Renders each event's object (a Table row for `kubectl get -w`, else the object). */
  readonly render: (object: StoredObject) => unknown;
}

const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_EVERY_MS = 60_000;

export function serveWatch(res: ServerResponse, registry: ClusterRegistry, watch: WatchRequest): void {
  const { store } = registry;
  const matches = (o: StoredObject): boolean =>
    (watch.namespace === undefined || o.metadata.namespace === watch.namespace) && matchesLabels(watch.labels, o.metadata.labels) && matchesFields(watch.fields, o);
  // uids of objects the client has seen as matching, so an object that stops matching arrives as DELETED.
  const visible = new Set<string>();

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // NOTE: kubectl waits for the headers before it trusts the watch; send them now.
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    if (!res.writableEnded) res.write(JSON.stringify({ type, object }) + '\n');
  };
  const bookmark = (initialEventsEnd = false): void =>
    write('BOOKMARK', {
      kind: watch.type.kind,
      apiVersion: watch.type.group ? `${watch.type.group}/${watch.type.version}` : watch.type.version,
      metadata: {
        resourceVersion: String(store.resourceVersion),
        ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
      },
    });

  const deliver = (event: StoreEvent): void => {
    if (event.resource !== watch.type) return;
    const uid = event.object.metadata.uid;
    const wasVisible = visible.has(uid);
    if (event.type !== 'DELETED' && matches(event.object)) {
      visible.add(uid);
      write(wasVisible ? 'MODIFIED' : 'ADDED', watch.render(event.object));
    } else if (wasVisible) {
      visible.delete(uid);
      write('DELETED', watch.render(event.object));
    }
  };

  const rv = watch.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0' || watch.sendInitialEvents) {
    for (const o of store.list(watch.type, watch.namespace)) deliver({ type: 'ADDED', resource: watch.type, object: o, resourceVersion: Number(o.metadata.resourceVersion) });
    if (watch.sendInitialEvents) bookmark(true);
  } else {
    const replay = store.eventsSince(Number(rv));
    if (replay === 'gone') {
      write('ERROR', statusObject(410, 'Expired', `too old resource version: ${rv} (${store.resourceVersion})`));
      res.end();
      return;
    }
    // The client holds the state at `rv`: objects that existed then (not ADDED since) and match are visible to it.
    const addedSince = new Set(replay.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.uid));
    const existedThen = [...store.list(watch.type, watch.namespace), ...replay.filter((e) => e.type === 'DELETED' && e.resource === watch.type).map((e) => e.object)];
    for (const o of existedThen) if (!addedSince.has(o.metadata.uid) && matches(o)) visible.add(o.metadata.uid);
    for (const event of replay) deliver(event);
  }

  const unsubscribe = store.subscribe(deliver);
  const timeout = setTimeout(() => res.end(), (watch.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
  const bookmarks = watch.allowBookmarks ? setInterval(() => bookmark(), BOOKMARK_EVERY_MS) : undefined;
  // NOTE: in Node 20 `req.on('close')` fires once the request body is read; the response's close is the client leaving.
  res.on('close', () => {
    unsubscribe();
    clearTimeout(timeout);
    clearInterval(bookmarks);
  });
}
