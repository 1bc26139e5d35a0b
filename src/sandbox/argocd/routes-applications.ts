/**
 * Application CRUD of Argo CD's API: list, get (with `?refresh=`), update, patch and
 * update-spec. Updates take the spec, labels and annotations; status stays the controller's.
 */
import type { Application, ApplicationSpec } from './application.ts';
import { mustGet, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';
import { jsonPatch, mergePatch } from './json-patch.ts';

function validateSpec(spec: unknown): ApplicationSpec {
  const s = spec as Partial<ApplicationSpec> | undefined;
  if (!s || typeof s !== 'object') throw new GrpcError(GrpcCode.InvalidArgument, 'application spec is required');
  if (!s.source?.repoURL) throw new GrpcError(GrpcCode.InvalidArgument, 'spec.source.repoURL and spec.source.path are required');
  if (!s.destination?.name && !s.destination?.server) {
    throw new GrpcError(GrpcCode.InvalidArgument, 'application destination spec is invalid: an application destination must contain either server or name');
  }
  const limit = s.revisionHistoryLimit;
  if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new GrpcError(GrpcCode.InvalidArgument, 'revisionHistoryLimit must be a non-negative integer');
  }
  return s as ApplicationSpec;
}

function applyUpdate(ctx: ArgoContext, name: string, next: Application): Application {
  const spec = validateSpec(next.spec);
  return ctx.store.update(name, (a) => {
    a.spec = structuredClone(spec);
    if (next.metadata?.labels) a.metadata.labels = next.metadata.labels;
    if (next.metadata?.annotations) a.metadata.annotations = next.metadata.annotations;
  });
}

export function applicationRoutes(ctx: ArgoContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/applications',
      handle(req) {
        const name = req.query.get('name');
        const items = ctx.store.list().filter((a) => !name || a.metadata.name === name);
        return Promise.resolve({ metadata: { resourceVersion: items.map((a) => a.metadata.resourceVersion).sort().pop() ?? '0' }, items });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/applications/:name',
      async handle(req) {
        const name = req.params['name'] ?? '';
        mustGet(ctx, name);
        const refresh = req.query.get('refresh');
        if (refresh === 'hard') ctx.manifests.forgetBranches();
        if (refresh === 'normal' || refresh === 'hard') await ctx.controller.refresh(name);
        return mustGet(ctx, name);
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/applications/:name',
      async handle(req) {
        const name = req.params['name'] ?? '';
        mustGet(ctx, name);
        const body = (await req.body()) as Application;
        if (body.metadata?.name && body.metadata.name !== name) {
          throw new GrpcError(GrpcCode.InvalidArgument, `application name in body (${body.metadata.name}) does not match the URL (${name})`);
        }
        return applyUpdate(ctx, name, body);
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/applications/:name/spec',
      async handle(req) {
        const name = req.params['name'] ?? '';
        const app = mustGet(ctx, name);
        const spec = validateSpec(await req.body());
        return applyUpdate(ctx, name, { ...app, spec }).spec;
      },
    },
    {
      method: 'PATCH',
      path: '/api/v1/applications/:name',
      async handle(req) {
        const name = req.params['name'] ?? '';
        const app = mustGet(ctx, name);
        const body = (await req.body()) as { patch?: string; patchType?: string };
        let patch: unknown;
        try {
          patch = JSON.parse(body.patch ?? '');
        } catch {
          throw new GrpcError(GrpcCode.InvalidArgument, 'error unmarshaling patch: invalid JSON');
        }
        const type = body.patchType ?? '';
        let next: unknown;
        if (type === 'json' || type === '') next = jsonPatch(app, patch);
        else if (type === 'merge') next = mergePatch(app, patch);
        else throw new GrpcError(GrpcCode.InvalidArgument, `Patch type '${type}' is not supported`);
        return applyUpdate(ctx, name, next as Application);
      },
    },
  ];
}
