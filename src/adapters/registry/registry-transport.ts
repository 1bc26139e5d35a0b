/**
 * One HTTPS request to a registry over `node:https` (a registry CA is honoured). Raw: it resolves
 * with any status; the body's sha256 is computed for a GET, since `Docker-Content-Digest` is
 * optional and the digest of a manifest is the hash of its bytes.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import { AdapterError } from '../../core/errors.ts';

export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface RegistryResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly text: string;
  /** `sha256:…` of the body (GET only). */
  readonly digest?: string;
}

export type RegistryTransport = (req: RegistryRequest) => Promise<RegistryResponse>;

export function createRegistryTransport(o: { readonly ca?: Buffer; readonly timeoutMs: number }): RegistryTransport {
  const agent = new https.Agent({ keepAlive: true, ...(o.ca ? { ca: o.ca } : {}) });
  return (req) =>
    new Promise<RegistryResponse>((resolve, reject) => {
      const u = new URL(req.url);
      const secure = u.protocol === 'https:';
      const send = secure ? https.request : http.request;
      const out = send(
        u,
        { method: req.method, headers: req.headers, ...(secure ? { agent } : {}), ...(req.signal ? { signal: req.signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const headers: Record<string, string | undefined> = {};
            for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            resolve({
              status: res.statusCode ?? 0,
              headers,
              text: body.toString('utf8'),
              ...(req.method === 'GET' ? { digest: `sha256:${createHash('sha256').update(body).digest('hex')}` } : {}),
            });
          });
        },
      );
      out.setTimeout(o.timeoutMs, () => out.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      out.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          req.signal?.aborted
            ? (req.signal.reason as Error)
            : new AdapterError('registry', `${req.method} ${u.origin}${u.pathname}`, `cannot reach the registry: ${e.code ?? e.message}`, { cause: e, transient: true }),
        ),
      );
      out.end();
    });
}
