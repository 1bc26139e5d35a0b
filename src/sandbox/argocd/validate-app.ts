/**
 * What Argo CD's API server checks before it stores an Application update, as upstream's
 * `server/application/application.go` `validateAndNormalizeApp` (L1320-1390) and
 * `util/argo/argo.go` `ValidateRepo`/`validateRepo` (L310-490, L880-945): the destination, then
 * (unless `validate=false`) the repository is tested and the source's manifests are generated
 * without the revision cache. Failures come back as InvalidArgument with upstream's wording,
 * prefixed as each handler wraps them.
 */
import type { ApplicationSpec } from './application.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { ManifestSource } from './manifests.ts';

/** The clusters this Argo CD knows (`argocd cluster list`). */
export type KnownCluster = (name: string) => boolean;

function invalidSpec(app: string, condition: string): GrpcError {
  return new GrpcError(GrpcCode.InvalidArgument, `application spec for ${app} is invalid: InvalidSpecError: ${condition}`);
}

/** The spec's shape, as the API decodes and the CRD requires it. */
export function checkSpecShape(spec: unknown): ApplicationSpec {
  const s = spec as Partial<ApplicationSpec> | undefined;
  if (!s || typeof s !== 'object') throw new GrpcError(GrpcCode.InvalidArgument, 'application spec is required');
  if (!s.source?.repoURL) throw new GrpcError(GrpcCode.InvalidArgument, 'spec.source.repoURL and spec.source.path are required');
  const limit = s.revisionHistoryLimit;
  if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new GrpcError(GrpcCode.InvalidArgument, 'revisionHistoryLimit must be a non-negative integer');
  }
  return s as ApplicationSpec;
}

/** `validateAndNormalizeApp`: throws the gRPC error the handler would wrap. */
export async function validateApp(name: string, spec: ApplicationSpec, deps: { manifests: ManifestSource; knownCluster: KnownCluster }, validate: boolean): Promise<void> {
  const dest = spec.destination;
  if (!dest?.name && !dest?.server) {
    throw new GrpcError(GrpcCode.InvalidArgument, `application destination spec for ${name} is invalid: an application destination must contain either server or name`);
  }
  if (dest.name && !deps.knownCluster(dest.name)) {
    throw new GrpcError(GrpcCode.InvalidArgument, `application destination spec for ${name} is invalid: there are no clusters with this name: ${dest.name}`);
  }
  if (!validate) return;
  try {
    await deps.manifests.generateUncached(spec.source.targetRevision, spec.source.path);
  } catch (e) {
    if (!(e instanceof GrpcError)) throw e;
    const repo = `&Repository{Repo: ${JSON.stringify(spec.source.repoURL)}, Type: "git", Name: "", Project: ""}`;
    // TestRepository's ls-remote of HEAD fails first when the repo cannot be reached.
    if (/failed to list refs/.test(e.message)) {
      throw invalidSpec(
        name,
        `repository not accessible: repositories not accessible: ${repo}: repo client error while testing repository: ${e.message.replace('desc = ', 'desc = error testing repository connectivity: ')}`,
      );
    }
    throw invalidSpec(name, `Unable to generate manifests in ${spec.source.path}: ${e.message.startsWith('rpc error') ? e.message : `rpc error: code = Unknown desc = ${e.message}`}`);
  }
}

/** Upstream wraps the status error with each handler's context; the code stays InvalidArgument. */
export function wrapped(prefix: string, e: unknown): unknown {
  return e instanceof GrpcError ? new GrpcError(e.code, `${prefix}: ${e.message}`) : e;
}
