/**
 * An OCI distribution registry, as harsh as a hosted one: HTTPS, every call needs a bearer token
 * scoped to the repository, and tokens come from a token endpoint that takes the registry
 * credentials by Basic auth. Serves `/v2/` and `HEAD|GET /v2/<name>/manifests/<reference>`
 * (tag or digest) with `Docker-Content-Digest`.
 *
 * Followed: distribution/distribution `docs/spec/auth/token.md` (the 401 challenge
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, the token response), and
 * `registry/handlers/manifests.go` and `registry/api/errcode` (headers, MANIFEST_UNKNOWN,
 * NAME_UNKNOWN, UNAUTHORIZED, DENIED bodies).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameSecret } from '../same-secret.ts';
import type { ImageStore } from './image-store.ts';
import { errorText } from '../error-text.ts';

export interface RegistryOptions {
  readonly port: number;
  readonly host?: string;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly store: ImageStore;
  readonly username: string;
  readonly password: string;
  /** Seconds a token lives (real time); default 300, as Docker Hub's. */
  readonly tokenTtlSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface RegistryServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const REGISTRY_SERVICE = 'rewind-sandbox-registry';

interface Grant {
  readonly repositories: ReadonlySet<string>;
  readonly expires: number;
}

const NAME = '[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*';
const MANIFEST_PATH = new RegExp(`^/v2/(${NAME})/manifests/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[0-9a-f]{64})$`);

export async function startRegistry(o: RegistryOptions): Promise<RegistryServer> {
  const host = o.host ?? '127.0.0.1';
  const ttl = o.tokenTtlSeconds ?? 300;
  const grants = new Map<string, Grant>();
  let url = '';

  const errors = (res: ServerResponse, status: number, code: string, message: string, detail?: unknown, headers: Record<string, string> = {}) => {
    const body = JSON.stringify({ errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] });
    res.writeHead(status, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const challenge = (scope?: string) =>
    `Bearer realm="${url}/token",service="${REGISTRY_SERVICE}"${scope ? `,scope="${scope}"` : ''}`;

  const grantOf = (req: IncomingMessage): Grant | undefined => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const g = m ? grants.get(m[1]!) : undefined;
    if (!g) return undefined;
    if (Date.now() > g.expires) {
      grants.delete(m![1]!);
      return undefined;
    }
    return g;
  };

  const basicOk = (req: IncomingMessage): boolean => {
    const m = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) return false;
    return sameSecret(Buffer.from(m[1]!, 'base64').toString('utf8'), `${o.username}:${o.password}`);
  };

  const token = (req: IncomingMessage, res: ServerResponse, q: URLSearchParams) => {
    if (q.get('service') !== REGISTRY_SERVICE) return errors(res, 400, 'UNSUPPORTED', `unknown service "${q.get('service') ?? ''}"`);
    // NOTE: no anonymous pulls: these are private repositories, as the world's images are.
    if (!basicOk(req)) return errors(res, 401, 'UNAUTHORIZED', 'authentication required', undefined, { 'www-authenticate': `Basic realm="${REGISTRY_SERVICE}"` });
    const repositories = new Set<string>();
    for (const scope of q.getAll('scope')) {
      const m = /^repository:([^:]+):(.+)$/.exec(scope);
      if (m && m[2]!.split(',').includes('pull')) repositories.add(m[1]!);
    }
    const t = randomBytes(24).toString('base64url');
    grants.set(t, { repositories, expires: Date.now() + ttl * 1000 });
    const body = JSON.stringify({ token: t, access_token: t, expires_in: ttl, issued_at: new Date().toISOString() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'https://registry.invalid');
    o.log?.(`registry ${req.method} ${u.pathname}`);
    if (u.pathname === '/token' && req.method === 'GET') return token(req, res, u.searchParams);
    if (u.pathname === '/v2/' || u.pathname === '/v2') {
      if (!grantOf(req)) return errors(res, 401, 'UNAUTHORIZED', 'authentication required', null, { 'www-authenticate': challenge() });
      res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'content-length': 2 });
      return res.end(req.method === 'HEAD' ? undefined : '{}');
    }
    const m = MANIFEST_PATH.exec(u.pathname);
    if (!m) return errors(res, 404, 'NOT_FOUND', 'not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return errors(res, 405, 'UNSUPPORTED', 'the operation is unsupported');
    const [, name, reference] = m as unknown as [string, string, string];
    const scope = `repository:${name}:pull`;
    const grant = grantOf(req);
    if (!grant) return errors(res, 401, 'UNAUTHORIZED', 'authentication required', [{ Type: 'repository', Class: '', Name: name, Action: 'pull' }], { 'www-authenticate': challenge(scope) });
    if (!grant.repositories.has(name)) {
      // A token for another repository is refused, naming the scope it would need.
      return errors(res, 401, 'UNAUTHORIZED', 'authentication required', [{ Type: 'repository', Class: '', Name: name, Action: 'pull' }], { 'www-authenticate': `${challenge(scope)},error="insufficient_scope"` });
    }
    if (!o.store.hasRepository(name)) return errors(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    const found = o.store.resolve(name, reference);
    if (!found) return errors(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Tag: reference });
    res.writeHead(200, {
      'content-type': found.mediaType,
      'content-length': found.bytes.length,
      'docker-content-digest': found.digest,
      'docker-distribution-api-version': 'registry/2.0',
      etag: `"${found.digest}"`,
    });
    res.end(req.method === 'HEAD' ? undefined : found.bytes);
  };

  const server: Server = createServer({ cert: o.tls.cert, key: o.tls.key }, (req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      o.log?.(`registry: ${errorText(e)}`);
      if (!res.headersSent) errors(res, 500, 'UNKNOWN', 'unknown error');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://${host}:${port}`;
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
