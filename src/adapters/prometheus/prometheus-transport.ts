/**
 * One HTTP(S) request to a Prometheus-compatible API (Prometheus, Thanos, Mimir, Cortex,
 * Alertmanager) over `node:http(s)`, so a custom CA is honoured. Raw: it resolves with any status
 * and rejects only with Node's network errors; prometheus-errors.ts classifies both.
 */
import http from 'node:http';
import https from 'node:https';

/** How the adapter proves who it is. The secret values are never logged or put in errors. */
export type PrometheusAuth = { readonly bearer: string } | { readonly basic: { readonly username: string; readonly password: string } };

export interface TransportOptions {
  /** Base URL; a path prefix (`/prometheus`, Mimir's `/prometheus`) is kept. */
  readonly url: string;
  readonly auth?: PrometheusAuth;
  /** PEM of the CA that signed the server's certificate; the system CAs otherwise. */
  readonly ca?: string | Buffer;
  readonly insecure?: boolean;
  /** Sent on every request, e.g. `X-Scope-OrgID` for multi-tenant stores. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Idle time before a request is abandoned (a transient timeout). */
  readonly timeoutMs: number;
}

export interface TransportRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/api/`. */
  readonly path: string;
  /** Query parameters: in the URL for GET, a form body for POST. */
  readonly params: URLSearchParams;
  readonly signal?: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  readonly text: string;
}

export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

export function authorizationHeader(auth: PrometheusAuth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  if ('bearer' in auth) return { authorization: `Bearer ${auth.bearer}` };
  return { authorization: `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}` };
}

export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  const agent = secure
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: !options.insecure, ...(options.ca ? { ca: options.ca } : {}) })
    : new http.Agent({ keepAlive: true });
  const request = secure ? https.request : http.request;
  const fixed = { accept: 'application/json', ...options.headers, ...authorizationHeader(options.auth) };

  return (req) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const query = req.params.toString();
      const body = req.method === 'POST' ? Buffer.from(query) : undefined;
      const outgoing = request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: prefix + req.path + (req.method === 'GET' && query ? `?${query}` : ''),
          method: req.method,
          agent,
          headers: { ...fixed, ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } : {}) },
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      outgoing.setTimeout(options.timeoutMs, () => outgoing.destroy(new RequestTimeoutError(`no answer within ${options.timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
}
