/**
 * The HTTPS front of the sandbox's Kubernetes API: bearer-token auth, one path prefix per
 * cluster (`/clusters/<name>`), discovery, and dispatch to the resource handler. Every
 * failure leaves through one place as a `meta/v1 Status`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions, OPENAPI_V2_PROTOBUF, SERVER_VERSION } from './discovery.ts';
import { sendJson } from './http-io.ts';
import type { ClusterRegistry } from './registry.ts';
import { handleResource } from './resource-handler.ts';
import { parseRoute } from './route.ts';
import { KubeStatusError, pathNotFound, statusObject } from './status-error.ts';
import { sameSecret } from '../same-secret.ts';
import { errorMessage } from '../error-text.ts';

export interface RequestContext {
  readonly token: string;
  readonly clusters: ReadonlyMap<string, ClusterRegistry>;
  readonly serverAddress: () => string;
  readonly onError: (error: unknown) => void;
  readonly onRequest: ((line: string) => void) | undefined;
}

function authorized(req: IncomingMessage, token: string): boolean {
  return sameSecret(req.headers.authorization ?? '', `Bearer ${token}`);
}

export function createRequestHandler(ctx: RequestContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    ctx.onRequest?.(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''}`);
    handle(ctx, req, res).catch((error: unknown) => {
      if (!(error instanceof KubeStatusError)) ctx.onError(error);
      const status = error instanceof KubeStatusError ? error : new KubeStatusError(500, 'InternalError', `Internal error occurred: ${errorMessage(error)}`);
      if (res.headersSent) return void res.end();
      sendJson(res, status.code, status.toStatus());
    });
  };
}

async function handle(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!authorized(req, ctx.token)) {
    req.resume();
    return sendJson(res, 401, statusObject(401, 'Unauthorized', 'Unauthorized'));
  }
  const url = new URL(req.url ?? '/', 'https://sandbox');
  const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(url.pathname);
  const registry = m ? ctx.clusters.get(decodeURIComponent(m[1]!)) : undefined;
  if (!m || !registry) throw pathNotFound();
  const route = parseRoute(m[2] ?? '/');
  const method = req.method ?? 'GET';
  if (route.kind !== 'resource' && method !== 'GET') throw pathNotFound();

  switch (route.kind) {
    case 'version':
      return sendJson(res, 200, SERVER_VERSION);
    case 'api':
      return sendJson(res, 200, apiVersions(ctx.serverAddress()));
    case 'apis':
      return sendJson(res, 200, apiGroupList());
    case 'group': {
      const doc = apiGroupDocument(route.group);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    case 'group-version': {
      const doc = apiResourceList(route.group, route.version);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    case 'openapi-v2':
      // NOTE: a content type with "@" in it breaks kubectl's mime parsing; octet-stream is what works.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': OPENAPI_V2_PROTOBUF.length });
      return void res.end(OPENAPI_V2_PROTOBUF);
    case 'resource': {
      return handleResource({
        req,
        res,
        url,
        registry,
        type: route.type,
        namespace: route.namespace,
        name: route.name,
        subresource: route.subresource,
      });
    }
    case 'unknown':
      throw pathNotFound();
  }
}
