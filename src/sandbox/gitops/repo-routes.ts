/**
 * The config repo's forge side, beside the CI endpoints (same port and token):
 * `POST /api/sandbox/v1/protect {"branch": "main", "protected": true}` turns branch protection on
 * or off (pushes are then refused by the repo's pre-receive hook, GitHub's GH006 words), and
 * `POST /api/sandbox/v1/merge {"branch": "rewind/revert-RUN"}` is a reviewer merging that branch
 * into the tracked one, as a pull request would.
 */
import type { SandboxClock } from '../clock.ts';
import { GrpcCode, GrpcError } from '../argocd/grpc-error.ts';
import type { Route } from '../argocd/http.ts';
import type { ConfigRepo } from './config-repo.ts';

const REVIEWER = { name: 'Sam Okafor', email: 'sam.okafor@acme-books.example' };

export function repoRoutes(deps: { repo: ConfigRepo; clock: SandboxClock; pushed: () => void }): Route[] {
  const branchOf = (body: unknown): string => {
    const b = (body as { branch?: unknown } | undefined)?.branch;
    if (typeof b !== 'string' || !/^[\w./-]+$/.test(b) || b.includes('..')) throw new GrpcError(GrpcCode.InvalidArgument, 'body must name a branch: {"branch": "main"}');
    return b;
  };
  return [
    {
      method: 'POST',
      path: '/api/sandbox/v1/protect',
      async handle(req) {
        const body = await req.body();
        const branch = branchOf(body);
        await deps.repo.protect(branch, (body as { protected?: unknown }).protected !== false);
        return { protectedBranches: deps.repo.protectedBranches };
      },
    },
    {
      method: 'POST',
      path: '/api/sandbox/v1/merge',
      async handle(req) {
        const branch = branchOf(await req.body());
        let revision: string;
        try {
          revision = await deps.repo.merge(branch, deps.clock.now(), REVIEWER);
        } catch (e) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `merging ${branch} into ${deps.repo.branch} failed: ${(e as Error).message.split('\n')[0]}`);
        }
        deps.pushed();
        return { branch: deps.repo.branch, merged: branch, revision };
      },
    },
  ];
}
