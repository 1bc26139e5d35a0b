/**
 * Argo CD's repo-server: a revision of the config repo rendered into manifests. Commits are
 * immutable, so each (commit, path) is rendered once.
 */
import { join } from 'node:path';
import type { KubeObject } from '../kube/types.ts';
import type { ConfigRepo } from '../gitops/config-repo.ts';
import { renderKustomize } from '../gitops/kustomize.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';

export interface ManifestSource {
  /** Revision -> full commit hash; throws a FailedPrecondition GrpcError when it does not resolve. */
  resolve(revision: string): Promise<string>;
  render(commit: string, path: string): Promise<KubeObject[]>;
}

export function createManifestSource(repo: ConfigRepo): ManifestSource {
  const cache = new Map<string, Promise<KubeObject[]>>();
  return {
    async resolve(revision) {
      const rev = revision === '' || revision === 'HEAD' ? 'HEAD' : revision;
      try {
        const sha = await repo.resolve(rev);
        if (sha) return sha;
      } catch {
        // fall through to the upstream message
      }
      throw new GrpcError(GrpcCode.FailedPrecondition, `unable to resolve '${revision}' to a commit SHA`);
    },
    async render(commit, path) {
      const key = `${commit}:${path}`;
      let rendered = cache.get(key);
      if (!rendered) {
        rendered = repo.checkout(commit).then((tree) => renderKustomize(join(tree, path)));
        rendered.catch(() => cache.delete(key));
        cache.set(key, rendered);
      }
      return structuredClone(await rendered);
    },
  };
}
