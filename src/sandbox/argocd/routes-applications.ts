/**
 * Application CRUD of Argo CD's API: list, get (with `?refresh=`), update, patch and
 * update-spec (upstream's `server/application/application.go` Update L1051, UpdateSpec L1068,
 * Patch L1090). Every write is validated as upstream (`validate-app.ts`); only Update and
 * UpdateSpec take `validate=false`. Status stays the controller's.
 */
import type { Application } from './application.ts';
import { checkSpecShape, validateApp, wrapped } from './validate-app.ts';
import { mustGet, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';
import { jsonPatch, mergePatch } from './json-patch.ts';

/**
 * Upstream's `updateApp` (L1018-1050): spec, labels, annotations and finalizers become the
 * request's (no merge); a conflict is retried on the newest copy, so the last writer wins.
 */
async function applyUpdate(ctx: ArgoContext, name: string, next: Application, validate: boolean): Promise<Application> {
  const spec = checkSpecShape(next.spec);
  await validateApp(name, spec, ctx, validate);
  return ctx.store.update(name, (a) => {
    a.spec = structuredClone(spec);
    for (const k of ['labels', 'annotations', 'finalizers'] as const) {
      const v = next.metadata?.[k];
      if (v === undefined || v === null) delete a.metadata[k];
      else (a.metadata as Record<string, unknown>)[k] = structuredClone(v);
    }
  });
}

/** `?validate=false` turns repository validation off; anything else (or nothing) leaves it on. */
const validateOf = (q: URLSearchParams): boolean => q.get('validate') !== 'false';

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
        return applyUpdate(ctx, name, body, validateOf(req.query)).catch((e: unknown) => {
          throw wrapped('error validating and normalizing app', e);
        });
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/applications/:name/spec',
      async handle(req) {
        const name = req.params['name'] ?? '';
        const app = mustGet(ctx, name);
        const spec = checkSpecShape(await req.body());
        const updated = await applyUpdate(ctx, name, { ...app, spec }, validateOf(req.query)).catch((e: unknown) => {
          throw wrapped('error validating and updating app: error validating and normalizing app', e);
        });
        return updated.spec;
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
        // Upstream's Patch always validates: it has no `validate` parameter.
        return applyUpdate(ctx, name, next as Application, true).catch((e: unknown) => {
          throw wrapped('error validating and normalizing app', e);
        });
      },
    },
  ];
}
