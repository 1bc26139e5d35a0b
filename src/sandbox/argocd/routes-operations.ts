/**
 * `POST .../sync` and `POST .../rollback`, with Argo CD's preconditions and texts: neither a
 * rollback nor a sync to another revision while automated sync is enabled; one operation at
 * a time. A rollback is a sync to the history entry's revision and source, apply strategy
 * (no hooks). The operation is queued on the Application and run by the controller; the
 * response is the Application with `operation` set, as upstream returns it.
 */
import { isAutoSyncEnabled, type Application, type Operation } from './application.ts';
import { mustGet, SANDBOX_USER, type ArgoContext } from './context.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';

function startOperation(ctx: ArgoContext, app: Application, op: Operation): Application {
  return ctx.store.update(app.metadata.name, (a) => {
    if (a.operation || a.status.operationState?.phase === 'Running') {
      throw new GrpcError(GrpcCode.FailedPrecondition, 'another operation is already in progress');
    }
    a.operation = op;
  });
}

export function operationRoutes(ctx: ArgoContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/applications/:name/sync',
      async handle(req) {
        const app = mustGet(ctx, req.params['name'] ?? '');
        const body = (await req.body()) as { revision?: string; prune?: boolean; dryRun?: boolean };
        const target = app.spec.source.targetRevision || 'HEAD';
        const revision = body.revision ?? '';
        if (isAutoSyncEnabled(app.spec) && revision !== '' && revision !== target && !body.dryRun) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `Cannot sync to ${revision}: auto-sync currently set to ${app.spec.source.targetRevision}`);
        }
        const commit = await ctx.manifests.resolve(revision || target);
        return startOperation(ctx, app, {
          sync: {
            revision: commit,
            prune: body.prune ?? false,
            dryRun: body.dryRun ?? false,
            ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
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
