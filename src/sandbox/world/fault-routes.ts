/**
 * `POST /api/sandbox/v1/fault {"fault": "git-down" | "git-up"}`: outages the sandbox can stage
 * (beside the CI endpoints, same port and token). `git-down` moves the config repo aside, so
 * every git reader (Argo CD's repo-server, the CI, rewind's own git) finds no repository.
 * `cache-flush` empties the repo-server's manifest cache, as a restart of argocd-redis does: with
 * git down as well, even a rollback to a deployed commit cannot render.
 */
import type { ConfigRepo } from '../gitops/config-repo.ts';
import { GrpcCode, GrpcError } from '../argocd/grpc-error.ts';
import type { Route } from '../argocd/http.ts';

export function faultRoutes(deps: { repo: ConfigRepo; log(message: string): void; changed(): void; flushCache(): void }): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/sandbox/v1/fault',
      async handle(req) {
        const fault = (await req.body() as { fault?: unknown }).fault;
        if (fault === 'cache-flush') {
          deps.flushCache();
          deps.log('fault: the repo-server manifest cache was emptied (argocd-redis restarted)');
          return { git: deps.repo.offline ? 'down' : 'up', cache: 'flushed' };
        }
        if (fault !== 'git-down' && fault !== 'git-up') {
          throw new GrpcError(GrpcCode.InvalidArgument, `unknown fault ${JSON.stringify(fault)} (faults: git-down, git-up, cache-flush)`);
        }
        await deps.repo.setOffline(fault === 'git-down');
        // NOTE: the repo-server's short branch cache is the sandbox's CPU saving, not behaviour to
        // model across an outage: the next branch resolution must ask git (and fail while it is down).
        deps.changed();
        deps.log(`fault: config repo ${fault === 'git-down' ? 'unreachable' : 'reachable again'}`);
        return { git: deps.repo.offline ? 'down' : 'up' };
      },
    },
    { method: 'GET', path: '/api/sandbox/v1/fault', handle: () => Promise.resolve({ git: deps.repo.offline ? 'down' : 'up' }) },
  ];
}
