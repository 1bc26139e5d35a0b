/**
 * What a sandbox server logs and answers for anything a handler threw, an `Error` or not. A value
 * that is no `Error` (a promise rejected with nothing) once reached the Argo CD API's error path,
 * whose `e.stack` then threw outside every handler and took the whole sandbox down mid-`break`.
 * Upstream's API server answers such a handler's failure with codes.Internal and keeps serving
 * (argo-cd `server/server.go`: grpc_recovery's interceptors), as these servers now do.
 */
export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : `${String(e)} (thrown, not an Error)`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
