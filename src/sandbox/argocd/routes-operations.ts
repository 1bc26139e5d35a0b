/**
 * `POST .../sync` and `POST .../rollback`, with Argo CD's preconditions and texts
 * (`server/application/application.go` Sync L2100-2190, Rollback L2264-2332): neither a
 * rollback nor a sync to another revision while automated sync is enabled; one operation at
 * a time (`set-operation.ts`). A rollback is a sync to the history entry's revision and source,
 * apply strategy (no hooks). The operation is queued on the Application and run by the
 * controller; the response is the Application with `operation` set, as upstream returns it.
 */
import { isAutoSyncEnabled, type Application, type Operation } from './application.ts';
import { setAppOperation } from './set-operation.ts';
import { wrapped } from './validate-app.ts';
import { mustGet, SANDBOX_USER, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';

/** The API handlers wrap SetAppOperation's error: "error setting app operation: another operation ...". */
function startOperation(ctx: ArgoContext, app: Application, op: Operation): Application {
  try {
    return setAppOperation(ctx.store, app.metadata.name, op);
  } catch (e) {
    throw wrapped('error setting app operation', e);
  }
}

export function operationRoutes(ctx: ArgoContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/applications/:name/sync',
      async handle(req) {
        const app = mustGet(ctx, req.params['name'] ?? '');
        const body = (await req.body()) as { revision?: string; prune?: boolean; dryRun?: boolean; syncOptions?: { items?: string[] } };
        // server/application/application.go Sync L2120-2131: the request's options replace the app's.
        const syncOptions = body.syncOptions?.items ?? app.spec.syncPolicy?.syncOptions;
        const target = app.spec.source.targetRevision || 'HEAD';
        const revision = body.revision ?? '';
        if (isAutoSyncEnabled(app.spec) && revision !== '' && revision !== target && !body.dryRun) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `Cannot sync to ${revision}: auto-sync currently set to ${app.spec.source.targetRevision}`);
        }
        // Upstream's resolveRevision: a full hash needs no repo-server call; a branch does, uncached.
        const commit = await ctx.manifests.resolve(revision || target).catch((e: unknown) => {
          throw wrapped('error resolving repo revision', e);
        });
        return startOperation(ctx, app, {
          sync: {
            revision: commit,
            prune: body.prune ?? false,
            dryRun: body.dryRun ?? false,
            ...(syncOptions ? { syncOptions } : {}),
          },
          initiatedBy: { username: SANDBOX_USER },
        });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/applications/:name/rollback',
      async handle(req) {
        const app = mustGet(ctx, req.params['name'] ?? '');
        const body = (await req.body()) as { id?: number | string; prune?: boolean; dryRun?: boolean };
        if (isAutoSyncEnabled(app.spec)) {
          throw new GrpcError(GrpcCode.FailedPrecondition, 'rollback cannot be initiated when auto-sync is enabled');
        }
        // grpc-gateway sends int64 as a string; accept both.
        const id = Number(body.id ?? 0);
        const entry = (app.status.history ?? []).find((h) => h.id === id);
        if (!entry) {
          throw new GrpcError(GrpcCode.InvalidArgument, `application ${app.metadata.name} does not have deployment with id ${id}`);
        }
        return startOperation(ctx, app, {
          sync: {
            revision: entry.revision,
            prune: body.prune ?? false,
            dryRun: body.dryRun ?? false,
            source: entry.source,
            syncStrategy: { apply: {} },
            ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
          },
          initiatedBy: { username: SANDBOX_USER },
        });
      },
    },
  ];
}
