/**
 * The few HTTP pieces the Argo CD-compatible server needs: a route table, JSON bodies,
 * bearer-token auth, and grpc-gateway's error JSON for every failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameSecret } from '../same-secret.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';
import { errorMessage } from '../error-text.ts';

export interface Request {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  body(): Promise<unknown>;
}

export interface Route {
  readonly method: string;
  /** `/api/v1/applications/:name/sync` */
  readonly path: string;
  /** Served without a token (`/api/version`). */
  readonly public?: boolean;
  handle(req: Request): Promise<unknown>;
  /** A streaming route answers on `res` itself and keeps it open (routes-stream.ts); `handle` is not called. */
  stream?(req: Request, res: ServerResponse, raw: IncomingMessage): void;
}

function compile(path: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const re = path.replace(/:([a-zA-Z]+)/g, (_m, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${re}/?$`), names };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GrpcError(GrpcCode.InvalidArgument, 'invalid character in request body: not JSON');
  }
}

function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith('argocd.token='));
  return cookie?.slice('argocd.token='.length);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createHandler(routes: readonly Route[], token: string, onError: (e: unknown, request: string) => void) {
  const compiled = routes.map((r) => ({ route: r, ...compile(r.path) }));
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const path = url.pathname;
      const matches = compiled.filter((c) => c.re.test(path));
      const hit = matches.find((c) => c.route.method === req.method);
      if (!hit?.route.public) {
        const given = tokenOf(req);
        if (!given) throw new GrpcError(GrpcCode.Unauthenticated, 'no session information');
        if (!sameSecret(given, token)) throw new GrpcError(GrpcCode.Unauthenticated, 'invalid session: token signature is invalid');
      }
      if (!hit) {
        if (matches.length > 0) throw new GrpcError(GrpcCode.Unimplemented, `Method Not Allowed`);
        throw new GrpcError(GrpcCode.NotFound, 'Not Found');
      }
      const m = hit.re.exec(path)!;
      const params = Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      if (hit.route.stream) {
        hit.route.stream({ method: req.method ?? 'GET', params, query: url.searchParams, body: () => readBody(req) }, res, req);
        return;
      }
      const result = await hit.route.handle({ method: req.method ?? 'GET', params, query: url.searchParams, body: () => readBody(req) });
      send(res, 200, result);
    } catch (e) {
      if (e instanceof GrpcError) {
        send(res, e.code === GrpcCode.Unimplemented && e.message === 'Method Not Allowed' ? 405 : e.httpStatus, e.toJSON());
        return;
      }
      // NOTE: the request's path (no query: it may name a token) says which route failed.
      onError(e, `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`);
      const err = new GrpcError(GrpcCode.Internal, errorMessage(e));
      send(res, 500, err.toJSON());
    }
  };
}
