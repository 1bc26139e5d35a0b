/**
 * Kubernetes API failures as rewind's errors. `@kubernetes/client-node` throws `ApiException`
 * (`code` = HTTP status, `body` = a `Status` JSON string) for answers, and fetch's errors (with a
 * system `code`, on the error or its `cause`) when there was no answer.
 */
import { AdapterError, type RewindError } from '../../core/errors.ts';

export const SYSTEM = 'kubernetes';

export interface KubeErrorContext {
  readonly operation: string;
  /** The kubeconfig context, named in every message so several clusters stay apart. */
  readonly context: string;
  readonly server: string;
  readonly notFound: () => RewindError;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

export function kubeError(err: unknown, ctx: KubeErrorContext): RewindError {
  const status = statusOf(err);
  if (status !== undefined) return httpError(status, statusMessage(err), ctx);
  const code = systemCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const where = `${ctx.server} (context ${ctx.context})`;
  if (code === 'ECONNREFUSED') {
    return new AdapterError(SYSTEM, ctx.operation, `cannot reach the Kubernetes API at ${where}`, {
      cause: err,
      hint: 'is the cluster up and the kubeconfig right? For the sandbox: `rewind sandbox up --detach`',
    });
  }
  if (code && TLS_CODES.test(code)) {
    return new AdapterError(SYSTEM, ctx.operation, `TLS verification of ${where} failed (${code})`, {
      cause: err,
      hint: "the kubeconfig cluster's certificate-authority(-data) must be the CA that signed the API server's certificate",
    });
  }
  const transient = (code !== undefined && TRANSIENT_CODES.has(code)) || /socket hang up|timed? ?out/i.test(message);
  return new AdapterError(SYSTEM, ctx.operation, `request to ${where} failed: ${message}`, { cause: err, transient });
}

function httpError(status: number, detail: string, ctx: KubeErrorContext): RewindError {
  const suffix = detail ? `: ${detail}` : '';
  if (status === 404) return ctx.notFound();
  if (status === 401 || status === 403) {
    return new AdapterError(SYSTEM, ctx.operation, `the API server refused the credentials of context ${ctx.context} (HTTP ${status}${suffix})`, {
      status,
      hint:
        status === 401
          ? "check the kubeconfig user's token or client certificate"
          : 'the kubeconfig user needs get/list on deployments, pods and rollouts in this namespace (kubectl auth can-i)',
    });
  }
  const transient = status >= 500 || status === 429;
  return new AdapterError(SYSTEM, ctx.operation, `the API server answered HTTP ${status}${suffix}`, { status, transient });
}

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; body?: unknown } | null;
  // ApiException's `code` is the HTTP status; a system error's `code` is a string.
  return e && typeof e.code === 'number' && 'body' in e ? e.code : undefined;
}

/** `Status.message` from an ApiException body (a JSON string, or already parsed). */
function statusMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | null;
    if (parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

function systemCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}
