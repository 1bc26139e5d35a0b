/**
 * The REST verbs on one resource route: list (or watch), get, create, update, patch,
 * delete, and the `status` and `scale` subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { parseJson, readBody, sendJson } from './http-io.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';
import type { ClusterRegistry } from './registry.ts';
import { apiVersionOf, type ResourceType } from './resources.ts';
import { formatLabelSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { badRequest, KubeStatusError, methodNotAllowed, pathNotFound } from './status-error.ts';
import { toTable, wantsTable } from './table.ts';
import type { KubeObject, LabelSelector, StoredObject } from './types.ts';
import { serveWatch } from './watch.ts';

export interface ResourceRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly registry: ClusterRegistry;
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

const isTrue = (v: string | null): boolean => v === 'true' || v === '1';

export async function handleResource(r: ResourceRequest): Promise<void> {
  const { req, type, name, subresource } = r;
  const method = req.method ?? 'GET';
  if (subresource !== undefined && !(type.subresources as readonly string[]).includes(subresource)) throw pathNotFound();
  if (type.external) return external(r, method);
  if (type.createOnly) {
    if (method !== 'POST' || name !== undefined) throw methodNotAllowed(method);
    return review(r);
  }
  if (name === undefined) {
    if (method === 'GET') return isTrue(r.url.searchParams.get('watch')) ? watch(r) : list(r);
    if (method === 'POST') return create(r);
    if (method === 'DELETE') return deleteCollection(r);
    throw methodNotAllowed(method);
  }
  if (subresource === 'scale') return scale(r, method);
  switch (method) {
    case 'GET':
      return respondObject(r, 200, r.registry.get(type, r.namespace, name));
    case 'PUT':
      return respondObject(r, 200, r.registry.update(type, r.namespace, name, await readObject(r), statusOnly(r)));
    case 'PATCH':
      return patch(r);
    case 'DELETE':
      return remove(r);
    default:
      throw methodNotAllowed(method);
  }
}

const statusOnly = (r: ResourceRequest): 'status' | undefined => (r.subresource === 'status' ? 'status' : undefined);

async function readObject(r: ResourceRequest): Promise<KubeObject> {
  const body = parseJson(await readBody(r.req));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
  return body as KubeObject;
}

function respondObject(r: ResourceRequest, code: number, object: StoredObject): void {
  if (wantsTable(r.req.headers.accept)) {
    sendJson(r.res, code, toTable(r.type, [object], r.registry.now(), { resourceVersion: object.metadata.resourceVersion }));
  } else sendJson(r.res, code, object);
}

function selected(r: ResourceRequest): StoredObject[] {
  const labels = parseLabelSelector(r.url.searchParams.get('labelSelector'));
  const fields = parseFieldSelector(r.url.searchParams.get('fieldSelector'));
  // Selected on the stored objects, so only the answer is copied (Argo CD's reconcile lists by label every pass).
  return r.registry.store.list(r.type, r.namespace, (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
}

function list(r: ResourceRequest): void {
  // NOTE: `limit` is honoured as "everything fits in one page": no continue token is ever needed.
  const items = selected(r);
  const meta = { resourceVersion: String(r.registry.store.resourceVersion) };
  if (wantsTable(r.req.headers.accept)) return sendJson(r.res, 200, toTable(r.type, items, r.registry.now(), meta));
  sendJson(r.res, 200, { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type), metadata: meta, items });
}

function watch(r: ResourceRequest): void {
  const q = r.url.searchParams;
  const table = wantsTable(r.req.headers.accept);
  const timeout = q.get('timeoutSeconds');
  serveWatch(
    r.res,
    r.registry,
    {
      type: r.type,
      namespace: r.namespace,
      labels: parseLabelSelector(q.get('labelSelector')),
      fields: parseFieldSelector(q.get('fieldSelector')),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      timeoutSeconds: timeout ? Number(timeout) : undefined,
      allowBookmarks: isTrue(q.get('allowWatchBookmarks')),
      sendInitialEvents: isTrue(q.get('sendInitialEvents')),
      render: (o) => (table ? toTable(r.type, [o], r.registry.now(), { resourceVersion: o.metadata.resourceVersion }) : o),
    },
  );
}

async function create(r: ResourceRequest): Promise<void> {
  const body = await readObject(r);
  if (isDryRun(r)) return respondObject(r, 201, body as StoredObject);
  respondObject(r, 201, r.registry.create(r.type, r.namespace, body));
}

const isDryRun = (r: ResourceRequest): boolean => r.url.searchParams.get('dryRun') === 'All';

async function patch(r: ResourceRequest): Promise<void> {
  const contentType = (r.req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const text = await readBody(r.req);
  const name = r.name!;
  if (contentType === 'application/apply-patch+yaml') {
    // Server-side apply, approximated: create when missing, else a merge of the applied fields.
    const applied = parseYaml(text) as KubeObject;
    if (!r.registry.store.get(r.type, r.namespace, name)) return respondObject(r, 201, r.registry.create(r.type, r.namespace, applied));
    const current = r.registry.get(r.type, r.namespace, name);
    return respondObject(r, 200, r.registry.update(r.type, r.namespace, name, applyMergePatch(current, applied) as KubeObject, statusOnly(r)));
  }
  const current = r.registry.get(r.type, r.namespace, name);
  const patched = applyPatch(contentType, current, parseJson(text));
  if (isDryRun(r)) return respondObject(r, 200, patched as StoredObject);
  respondObject(r, 200, r.registry.update(r.type, r.namespace, name, patched as KubeObject, statusOnly(r)));
}

function applyPatch(contentType: string, current: unknown, body: unknown): unknown {
  switch (contentType) {
    case 'application/json-patch+json':
      return applyJsonPatch(current, body);
    case 'application/merge-patch+json':
      return applyMergePatch(current, body);
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(current, body);
    default:
      throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

function remove(r: ResourceRequest): void {
  const removed = r.registry.delete(r.type, r.namespace, r.name!);
  // Pods answer with the object; most other kinds with a Success Status, as the apiserver does.
  if (r.type.kind === 'Pod') return sendJson(r.res, 200, removed);
  sendJson(r.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: removed.metadata.name, ...(r.type.group ? { group: r.type.group } : {}), kind: r.type.plural, uid: removed.metadata.uid },
  });
}

function deleteCollection(r: ResourceRequest): void {
  const items = selected(r);
  for (const o of items) r.registry.delete(r.type, o.metadata.namespace, o.metadata.name);
  sendJson(r.res, 200, { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type), metadata: { resourceVersion: String(r.registry.store.resourceVersion) }, items });
}

/** A type served from outside the store (Argo CD's Applications); 404 where no handler is registered, as without the CRD. */
async function external(r: ResourceRequest, method: string): Promise<void> {
  const handler = r.registry.external.get(r.type.plural);
  if (!handler || r.subresource !== undefined) throw pathNotFound();
  if (method === 'GET' && isTrue(r.url.searchParams.get('watch'))) throw methodNotAllowed('WATCH');
  const text = method === 'GET' || method === 'DELETE' ? '' : await readBody(r.req);
  const contentType = (r.req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const answer = handler({ method, namespace: r.namespace, name: r.name, contentType, body: text ? parseJson(text) : undefined });
  if (!wantsTable(r.req.headers.accept) || method !== 'GET') return sendJson(r.res, answer.status, answer.body);
  const doc = answer.body as { items?: StoredObject[]; metadata: { resourceVersion?: string } };
  const items = doc.items ?? [doc as unknown as StoredObject];
  sendJson(r.res, answer.status, toTable(r.type, items, r.registry.now(), { resourceVersion: doc.metadata.resourceVersion }));
}

/** `autoscaling/v1 Scale` for `kubectl scale`. */
async function scale(r: ResourceRequest, method: string): Promise<void> {
  const name = r.name!;
  const toScale = (o: StoredObject): Record<string, unknown> => {
    const spec = o.spec as { replicas?: number; selector?: LabelSelector };
    const status = o.status as { replicas?: number } | undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status?.replicas ?? 0, selector: formatLabelSelector(spec.selector) },
    };
  };
  const current = r.registry.get(r.type, r.namespace, name);
  if (method === 'GET') return sendJson(r.res, 200, toScale(current));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method);
  const text = await readBody(r.req);
  const body = parseJson(text);
  const wanted = (method === 'PUT' ? body : applyPatch((r.req.headers['content-type'] ?? '').split(';')[0]!.trim(), toScale(current), body)) as {
    metadata?: { resourceVersion?: string };
    spec?: { replicas?: number };
  };
  const replicas = wanted.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0) throw badRequest('spec.replicas must be a non-negative integer');
  const next = structuredClone(current);
  (next.spec as { replicas?: number }).replicas = replicas;
  next.metadata.resourceVersion = wanted.metadata?.resourceVersion ?? current.metadata.resourceVersion;
  sendJson(r.res, 200, toScale(r.registry.update(r.type, r.namespace, name, next)));
}

/** SelfSubjectAccessReview: the sandbox's token may do everything. */
async function review(r: ResourceRequest): Promise<void> {
  // NOTE: `kubectl auth can-i` posts protobuf; the answer does not depend on the question, so it is not decoded.
  const protobuf = (r.req.headers['content-type'] ?? '').includes('protobuf');
  const body: KubeObject = protobuf ? (await readBody(r.req), { metadata: {}, spec: {} }) : await readObject(r);
  sendJson(r.res, 201, {
    ...body,
    kind: r.type.kind,
    apiVersion: apiVersionOf(r.type),
    metadata: { ...(body.metadata ?? {}), creationTimestamp: null },
    status: { allowed: true, reason: 'the rewind sandbox allows every request with its token' },
  });
}

