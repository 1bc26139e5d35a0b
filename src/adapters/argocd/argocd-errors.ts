/**
 * Argo CD failures as rewind's errors. The API server is grpc-gateway: a failed call answers with
 * an HTTP status and a `runtimeError` body `{ code, message, error }` where `code` is the gRPC code
 * (3 InvalidArgument, 5 NotFound, 7 PermissionDenied, 9 FailedPrecondition, 16 Unauthenticated).
 */
import { AdapterError, type RewindError } from '../../core/errors.ts';

export const SYSTEM = 'argocd';

/** gRPC status codes Argo CD puts in `runtimeError.code`. */
export const GrpcCode = { InvalidArgument: 3, NotFound: 5, PermissionDenied: 7, FailedPrecondition: 9, Unauthenticated: 16 } as const;

export interface ArgoCdErrorBody {
  readonly code?: number;
  readonly message: string;
}

/** `runtimeError` from a response body; the raw text (shortened) when it is not JSON. */
export function parseErrorBody(text: string): ArgoCdErrorBody {
  try {
    const j = JSON.parse(text) as { code?: unknown; message?: unknown; error?: unknown };
    const message = typeof j.message === 'string' ? j.message : typeof j.error === 'string' ? j.error : '';
    return { ...(typeof j.code === 'number' ? { code: j.code } : {}), message: message || text.slice(0, 200) };
  } catch {
    return { message: text.trim().slice(0, 200) };
  }
}

export interface HttpErrorContext {
  readonly operation: string;
  readonly url: string;
  /** The error for "the named thing does not exist"; the caller knows what was named. */
  readonly notFound: () => RewindError;
}

export function httpError(status: number, body: ArgoCdErrorBody, ctx: HttpErrorContext): RewindError {
  const detail = body.message ? `: ${body.message}` : '';
  if (status === 404 || body.code === GrpcCode.NotFound) return ctx.notFound();
  if (status === 401 || status === 403) {
    return new AdapterError(SYSTEM, ctx.operation, `Argo CD refused the token (HTTP ${status}${detail})`, {
      status,
      hint: 'check ARGOCD_AUTH_TOKEN / tokenFile in rewind.yaml: the token must be valid and allowed to get, update and sync the application',
    });
  }
  if (body.code === GrpcCode.FailedPrecondition) {
    return new AdapterError(SYSTEM, ctx.operation, body.message || `HTTP ${status}`, {
      status,
      hint: /auto-sync/i.test(body.message)
        ? 'automated sync is on: disable it first (rewind rollback does) or pin targetRevision'
        : undefined,
    });
  }
  if (status >= 500 || status === 429) {
    return new AdapterError(SYSTEM, ctx.operation, `Argo CD answered HTTP ${status}${detail}`, { status, transient: true });
  }
  return new AdapterError(SYSTEM, ctx.operation, `Argo CD answered HTTP ${status}${detail}`, { status });
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

export function networkError(err: unknown, ctx: HttpErrorContext): RewindError {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED') {
    // Transient: an API server restarting (a rollout of argocd-server) refuses for seconds; reads retry.
    return new AdapterError(SYSTEM, ctx.operation, `cannot reach Argo CD at ${ctx.url} (connection refused)`, {
      cause: err,
      transient: true,
      hint: 'is Argo CD running and argocd.url right? For the sandbox: `rewind sandbox up --detach`',
    });
  }
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    return new AdapterError(SYSTEM, ctx.operation, `TLS verification of ${ctx.url} failed (${code})`, {
      cause: err,
      hint: 'set argocd.caFile in rewind.yaml to the CA that signed Argo CD\'s certificate',
    });
  }
  if (code === 'ENOTFOUND') {
    return new AdapterError(SYSTEM, ctx.operation, `cannot resolve the host of ${ctx.url}`, { cause: err, hint: 'check argocd.url in rewind.yaml' });
  }
  const transient = (typeof code === 'string' && TRANSIENT_CODES.has(code)) || /socket hang up/i.test(message);
  return new AdapterError(SYSTEM, ctx.operation, `request to ${ctx.url} failed: ${message}`, { cause: err, transient });
}
