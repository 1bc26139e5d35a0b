/**
 * Argo CD resource actions (`argocd app actions run APP ACTION --kind Rollout ...`) over the REST
 * API: the route argoproj/argo-cd `server/application/application.proto` maps to
 * `RunResourceAction`, `POST /api/v1/applications/{name}/resource/actions` with the resource in
 * the query and the action's name as the body (a JSON string). It is the one route every Argo CD
 * since 1.x serves (the `/v2` route, everything in the body, exists from 2.14 on).
 *
 * Argo CD checks RBAC on `applications, action/<group>/<kind>/<action>, <project>/<app>` before
 * running the Lua action (`server/application/application.go`), so a denial changed nothing.
 * There is no reliable way to ask first: `GET /api/v1/account/can-i/...` rejects any action but
 * the base verbs (`server/account/account.go` CanI checks `rbac.Actions`), so callers try and
 * fall back on `RefusedError`.
 */
import { readFileSync } from 'node:fs';
import { AdapterError, ConfigError, NotFoundError, RefusedError } from '../../core/errors.ts';
import type { ResourceActions } from '../../core/ports.ts';
import { GrpcCode, SYSTEM, httpError, networkError, parseErrorBody } from './argocd-errors.ts';
import { createArgoCdTransport, type ArgoCdTransport, type TransportRequest } from './argocd-transport.ts';

export interface ResourceActionsOptions {
  readonly url: string;
  readonly token: string;
  readonly caFile?: string;
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
  /** Injected for tests; built from url/token/ca otherwise. */
  readonly transport?: ArgoCdTransport;
}

type Resource = Parameters<ResourceActions['run']>[1];

/** The request `argocd app actions run` sends, as rewind sends it (path with query, body). */
export function resourceActionRequest(app: string, r: Resource, action: string): Pick<TransportRequest, 'method' | 'path' | 'body'> {
  const q = new URLSearchParams({ namespace: r.namespace, resourceName: r.name, version: r.version, group: r.group, kind: r.kind });
  return { method: 'POST', path: `/api/v1/applications/${encodeURIComponent(app)}/resource/actions?${q.toString()}`, body: action };
}

export function createArgoCdResourceActions(options: ResourceActionsOptions): ResourceActions {
  const url = options.url.replace(/\/+$/, '');
  const transport = options.transport ?? createArgoCdTransport({
    url, token: options.token, insecure: options.insecure ?? false, timeoutMs: options.timeoutMs ?? 15_000, ...caOption(options.caFile),
  });
  return {
    async run(app, resource, action) {
      const req = resourceActionRequest(app, resource, action);
      const operation = `run action ${action} on ${resource.kind} ${resource.name}`;
      const ctx = { operation, url, notFound: () => new NotFoundError(`${resource.kind} ${resource.name} is not a resource of application ${app}, or Argo CD has no action ${action} for it`) };
      let res;
      try {
        res = await transport(req);
      } catch (err) {
        const e = networkError(err, ctx);
        if (options.token.length >= 8 && e.message.includes(options.token)) e.message = e.message.split(options.token).join('***');
        throw e;
      }
      const where = `argocd POST ${req.path.split('?')[0] ?? ''} "${action}"`;
      if (res.status >= 200 && res.status < 300) return { request: where };
      const body = parseErrorBody(res.text);
      if (res.status === 403 || body.code === GrpcCode.PermissionDenied) {
        throw new RefusedError(`Argo CD's RBAC denies action/${resource.group}/${resource.kind}/${action} on ${app}: ${body.message}`, { cause: new AdapterError(SYSTEM, operation, body.message, { status: 403 }) });
      }
      throw httpError(res.status, body, ctx);
    },
  };
}

function caOption(caFile: string | undefined): { ca?: Buffer } {
  if (!caFile) return {};
  try {
    return { ca: readFileSync(caFile) };
  } catch (cause) {
    throw new ConfigError(`cannot read argocd.caFile ${caFile}`, { cause, hint: 'point caFile at a PEM CA certificate' });
  }
}
