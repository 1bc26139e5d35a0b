/**
 * RFC 6902 JSON Patch and RFC 7386 merge patch, for `PATCH /api/v1/applications/{name}`.
 * The patching itself is the Kubernetes API server's (`kube/patch.ts`); this only turns its
 * `meta/v1 Status` failures into the gRPC `InvalidArgument` Argo CD answers with.
 */
import { applyJsonPatch } from '../kube/patch.ts';
import { KubeStatusError } from '../kube/status-error.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';

export { applyMergePatch as mergePatch } from '../kube/patch.ts';

export function jsonPatch(target: unknown, ops: unknown): unknown {
  try {
    return applyJsonPatch(target, ops);
  } catch (e) {
    if (e instanceof KubeStatusError) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: ${e.message}`);
    throw e;
  }
}
