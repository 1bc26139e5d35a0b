/**
 * `POST /api/sandbox/v1/fault {"fault": "git-down" | "git-up" | "cache-flush" | "metrics-down" | "metrics-up"}`:
 * outages the sandbox can stage (beside the CI endpoints, same port and token). `git-down` moves
 * the config repo aside, so every git reader (Argo CD's repo-server, the CI, rewind's own git)
 * finds no repository. `cache-flush` empties the repo-server's manifest cache, as a restart of
 * argocd-redis does: with git down as well, even a rollback to a deployed commit cannot render.
 * `metrics-down` closes the Prometheus API's port, as a crashed Prometheus would: connections are
 * refused until `metrics-up`. `argocd-api-down` drops every connection to Argo CD's own routes and
 * `argocd-api-slow` (`delayMs`, default 30 000 real ms) holds each answer, while the application
 * controller keeps reconciling and self-healing (argocd/api-outage.ts); `argocd-api-up` ends both.
 */
import type { ConfigRepo } from '../gitops/config-repo.ts';
import { GrpcCode, GrpcError } from '../argocd/grpc-error.ts';
import type { Route } from '../argocd/http.ts';
import type { ApiOutage } from '../argocd/api-outage.ts';

/** The metrics API, once it is up (it starts after the routes are built). */
export interface MetricsOutage {
  readonly offline: boolean;
  setOffline(offline: boolean): Promise<void>;
}

export function faultRoutes(deps: { repo: ConfigRepo; log(message: string): void; changed(): void; flushCache(): void; metrics?: () => MetricsOutage | undefined; api?: ApiOutage }): Route[] {
  const status = () => ({ git: deps.repo.offline ? 'down' : 'up', metrics: deps.metrics?.()?.offline ? 'down' : 'up', argocdApi: deps.api?.mode ?? 'up' });
  return [
    {
      method: 'POST',
      path: '/api/sandbox/v1/fault',
      async handle(req) {
        const body = await req.body() as { fault?: unknown; delayMs?: unknown };
        const fault = body.fault;
        if (fault === 'argocd-api-down' || fault === 'argocd-api-slow' || fault === 'argocd-api-up') {
          if (!deps.api) throw new GrpcError(GrpcCode.FailedPrecondition, 'the sandbox serves no Argo CD API outage');
          const delayMs = typeof body.delayMs === 'number' && body.delayMs >= 0 ? body.delayMs : undefined;
          deps.api.set(fault === 'argocd-api-down' ? 'down' : fault === 'argocd-api-slow' ? 'slow' : 'up', delayMs);
          deps.log(`fault: Argo CD API server ${fault === 'argocd-api-up' ? 'up again' : fault === 'argocd-api-down' ? 'down (the application controller keeps running)' : 'slow (the application controller keeps running)'}`);
          return status();
        }
        if (fault === 'metrics-down' || fault === 'metrics-up') {
          const metrics = deps.metrics?.();
          if (!metrics) throw new GrpcError(GrpcCode.FailedPrecondition, 'the sandbox serves no metrics API');
          await metrics.setOffline(fault === 'metrics-down');
          deps.log(`fault: Prometheus API ${fault === 'metrics-down' ? 'down' : 'up again'}`);
          return status();
        }
        if (fault === 'cache-flush') {
          deps.flushCache();
          deps.log('fault: the repo-server manifest cache was emptied (argocd-redis restarted)');
          return { ...status(), cache: 'flushed' };
        }
        if (fault !== 'git-down' && fault !== 'git-up') {
          throw new GrpcError(GrpcCode.InvalidArgument, `unknown fault ${JSON.stringify(fault)} (faults: git-down, git-up, cache-flush, metrics-down, metrics-up, argocd-api-down, argocd-api-slow, argocd-api-up)`);
        }
        await deps.repo.setOffline(fault === 'git-down');
        // NOTE: the repo-server's short branch cache is the sandbox's CPU saving, not behaviour to
        // model across an outage: the next branch resolution must ask git (and fail while it is down).
        deps.changed();
        deps.log(`fault: config repo ${fault === 'git-down' ? 'unreachable' : 'reachable again'}`);
        return status();
      },
    },
    { method: 'GET', path: '/api/sandbox/v1/fault', handle: () => Promise.resolve(status()) },
  ];
}
