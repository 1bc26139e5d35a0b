/**
 * One HTTP(S) request to the Argo CD API server with a bearer token, over `node:https` so that a
 * custom CA (`caFile`) is honoured. Raw: it resolves with any status and rejects only with Node's
 * network errors (which carry `code`); argocd-errors.ts turns both into rewind's errors.
 */
import http from 'node:http';
import https from 'node:https';

export interface ArgoCdTransportOptions {
  /** Base URL, e.g. `https://127.0.0.1:8443` (a path prefix such as `/argocd` is kept). */
  readonly url: string;
  readonly token: string;
  /** PEM of the CA that signed the server's certificate; the system CAs otherwise. */
  readonly ca?: string | Buffer;
  /** Skip TLS verification. Only when configured (`argocd.insecure: true`). */
  readonly insecure?: boolean;
  /** Idle time before a request is abandoned as a (transient) timeout. */
  readonly timeoutMs?: number;
}

export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Path and query below the base URL, starting with `/api/v1/`. */
  readonly path: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Takes a 2xx answer's text as it arrives (then `text` is empty); other answers come as text. */
  readonly sink?: { write(chunk: string): void };
}

export interface TransportResponse {
  readonly status: number;
  readonly text: string;
}

export type ArgoCdTransport = (req: TransportRequest) => Promise<TransportResponse>;

/** A request that saw no bytes for `timeoutMs`; classified as transient. */
class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

export function createArgoCdTransport(options: ArgoCdTransportOptions): ArgoCdTransport {
  const { timeoutMs, insecure } = { timeoutMs: 15_000, insecure: false, ...options };
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  // NOTE: keep-alive sockets are unref'd while idle, so a CLI run still exits promptly.
  const agent = secure
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: !insecure, ...(options.ca ? { ca: options.ca } : {}) })
    : new http.Agent({ keepAlive: true });
  const request = secure ? https.request : http.request;

  return (req) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      const outgoing = request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: prefix + req.path,
          method: req.method,
          agent,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${options.token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          // NOTE: decoded as it arrives, each chunk let go at once: an Application with 10,001 history
          // entries is ~3 MB, which as chunks, their concatenation and its string was held three
          // times over at the end (issue 19). The decoder keeps a character split across chunks whole.
          let text = '';
          res.setEncoding('utf8');
          const sink = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? req.sink : undefined;
          if (sink) {
            res.on('data', (c: string) => {
              try {
                sink.write(c);
              } catch (err) {
                res.destroy(err instanceof Error ? err : new Error(String(err)));
              }
            });
          } else {
            res.on('data', (c: string) => (text += c));
          }
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new RequestTimeoutError(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
}

