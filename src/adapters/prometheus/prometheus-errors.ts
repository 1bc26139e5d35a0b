/**
 * Prometheus failures as rewind's errors. The HTTP API answers failures with
 * `{status: "error", errorType, error}`: 400 `bad_data` (the query does not parse), 422
 * `execution`, 503 `timeout`/`unavailable` (prometheus/web/api/v1/api.go `returnAPIError`).
 * Alertmanager's v2 API answers plain text or `{code, message}`.
 */
import { AdapterError } from '../../core/errors.ts';

export const SYSTEM = 'prometheus';

export function errorBodyMessage(text: string): { errorType?: string; message: string } {
  try {
    const j = JSON.parse(text) as { errorType?: unknown; error?: unknown; message?: unknown };
    const message = typeof j.error === 'string' ? j.error : typeof j.message === 'string' ? j.message : '';
    return { ...(typeof j.errorType === 'string' ? { errorType: j.errorType } : {}), message: message || text.trim().slice(0, 200) };
  } catch {
    return { message: text.trim().slice(0, 200) };
  }
}

export function httpError(system: string, operation: string, status: number, text: string): AdapterError {
  const { errorType, message } = errorBodyMessage(text);
  const detail = `${errorType ? `${errorType}: ` : ''}${message || `HTTP ${status}`}`;
  if (status === 401 || status === 403) {
    return new AdapterError(system, operation, `refused the credentials (HTTP ${status})`, {
      status,
      hint: 'check prometheus.tokenEnv / tokenFile / basicAuth in rewind.yaml (and X-Scope-OrgID for multi-tenant stores)',
    });
  }
  const transient = status >= 500 || status === 429 || errorType === 'timeout' || errorType === 'unavailable';
  return new AdapterError(system, operation, `HTTP ${status}: ${detail}`, { status, transient });
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

export function networkError(system: string, operation: string, url: string, err: unknown): AdapterError {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    return new AdapterError(system, operation, `TLS verification of ${url} failed (${code})`, { cause: err, hint: 'set prometheus.caFile to the CA that signed its certificate' });
  }
  if (code === 'ECONNREFUSED') {
    return new AdapterError(system, operation, `cannot reach ${url} (connection refused)`, { cause: err, transient: true, hint: 'is it running, and is prometheus.url in rewind.yaml right?' });
  }
  const transient = (typeof code === 'string' && TRANSIENT_CODES.has(code)) || /socket hang up/i.test(message);
  return new AdapterError(system, operation, `request to ${url} failed: ${message}`, { cause: err, transient });
}
