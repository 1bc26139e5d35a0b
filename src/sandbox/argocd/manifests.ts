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
  /** Drops branch resolutions (a hard refresh, or a push webhook): the next resolve asks git. */
  forgetBranches(): void;
}

/** Real ms a branch's resolution is reused: every app asks every reconcile, git answers once. */
const BRANCH_TTL_MS = 200;

export function createManifestSource(repo: ConfigRepo): ManifestSource {
  const cache = new Map<string, Promise<KubeObject[]>>();
  const resolved = new Map<string, { at: number; sha: Promise<string> }>();
  const lookup = async (rev: string): Promise<string> => {
    try {
      const sha = await repo.resolve(rev);
      if (sha) return sha;
    } catch {
      // fall through to the upstream message
    }
    throw new GrpcError(GrpcCode.FailedPrecondition, `unable to resolve '${rev}' to a commit SHA`);
  };
  return {
    resolve(revision) {
      const rev = revision === '' || revision === 'HEAD' ? 'HEAD' : revision;
      const hit = resolved.get(rev);
      // A full hash never moves; a branch is re-read after a short while.
      if (hit && (/^[0-9a-f]{40}$/.test(rev) || performance.now() - hit.at < BRANCH_TTL_MS)) return hit.sha;
      const sha = lookup(rev);
      resolved.set(rev, { at: performance.now(), sha });
      sha.catch(() => resolved.delete(rev));
      return sha;
    },
    forgetBranches() {
      resolved.clear();
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
