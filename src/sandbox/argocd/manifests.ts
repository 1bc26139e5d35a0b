/**
 * Argo CD's repo-server: a revision of the config repo rendered into manifests. Commits are
 * immutable, so each (commit, path) is rendered once and kept (upstream keeps generated
 * manifests in its cache for 24 h), which is why a rollback to a deployed commit still renders
 * while git is unreachable. A full commit hash needs no `ls-remote` (upstream's
 * `util/git/client.go` `lsRemote`: `IsCommitSHA` short-circuit); a branch does, and fails with
 * upstream's "failed to list refs: ..." while git is down.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../kube/types.ts';
import { RepoUnreachable, type ConfigRepo } from '../gitops/config-repo.ts';
import { renderKustomize } from '../gitops/kustomize.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';

export interface ManifestSource {
  /** Revision -> full commit hash; throws a FailedPrecondition GrpcError when it does not resolve. */
  resolve(revision: string): Promise<string>;
  render(commit: string, path: string): Promise<KubeObject[]>;
  /** Drops branch resolutions (a hard refresh, or a push webhook): the next resolve asks git. */
  forgetBranches(): void;
  /** Empties the manifest cache, as a restart of argocd-redis does (upstream keeps it only there). */
  flush(): void;
  /**
   * Renders `revision` without any cache, as the API server's validation asks the repo-server
   * (`NoRevisionCache: true` in `util/argo/argo.go` ValidateRepo); throws upstream's messages.
   */
  generateUncached(revision: string, path: string): Promise<KubeObject[]>;
}

/** A repo-server failure as the gRPC client prints it: `rpc error: code = Unknown desc = ...`. */
export class RepoServerError extends GrpcError {}

const unreachable = (what: string): RepoServerError =>
  new RepoServerError(GrpcCode.Unknown, `rpc error: code = Unknown desc = ${what}: ${new RepoUnreachable().message}`);

/** Real ms a branch's resolution is reused: every app asks every reconcile, git answers once. */
const BRANCH_TTL_MS = 200;

export function createManifestSource(repo: ConfigRepo): ManifestSource {
  const cache = new Map<string, Promise<KubeObject[]>>();
  const resolved = new Map<string, { at: number; sha: Promise<string> }>();
  const lookup = async (rev: string): Promise<string> => {
    if (repo.offline) throw unreachable('failed to list refs');
    try {
      const sha = await repo.resolve(rev);
      if (sha) return sha;
    } catch (e) {
      if (e instanceof RepoUnreachable) throw unreachable('failed to list refs');
      // otherwise: the upstream message below
    }
    throw new GrpcError(GrpcCode.FailedPrecondition, `unable to resolve '${rev}' to a commit SHA`);
  };
  return {
    resolve(revision) {
      const rev = revision === '' || revision === 'HEAD' ? 'HEAD' : revision;
      if (repo.offline && /^[0-9a-f]{40}$/.test(rev)) return Promise.resolve(rev);
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
    flush() {
      cache.clear();
      resolved.clear();
    },
    async render(commit, path) {
      const key = `${commit}:${path}`;
      let rendered = cache.get(key);
      if (!rendered) {
        if (repo.offline) throw new RepoServerError(GrpcCode.Internal, `rpc error: code = Internal desc = Failed to fetch revision ${commit}: ${new RepoUnreachable().message}`);
        rendered = repo.checkout(commit).then((tree) => renderKustomize(join(tree, path)));
        rendered.catch(() => cache.delete(key));
        cache.set(key, rendered);
      }
      return structuredClone(await rendered);
    },
    async generateUncached(revision, path) {
      if (repo.offline) throw unreachable('failed to list refs');
      const commit = await lookup(revision === '' ? 'HEAD' : revision);
      const tree = await repo.checkout(commit);
      const dir = join(tree, path);
      const found = await stat(dir).catch(() => undefined);
      if (!found?.isDirectory()) throw new RepoServerError(GrpcCode.Unknown, `rpc error: code = Unknown desc = ${path}: app path does not exist`);
      return renderKustomize(dir);
    },
  };
}
