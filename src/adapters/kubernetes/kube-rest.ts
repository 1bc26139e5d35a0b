/**
 * Direct REST calls to the Kubernetes API over what client-node's `KubeConfig` says: its
 * `applyToHTTPSOptions` (client-node `src/config.ts`) gives the TLS agent (CA, client
 * certificate, `insecure-skip-tls-verify`, proxy-url) and the Authorization header (token, token
 * file, exec/OIDC/cloud auth plugins), exactly what its generated API sends. Only the config module
 * is loaded: the generated API classes and their models (most of the package, ~170 ms and ~40 MB
 * of a `rewind plan` process) are never needed for a GET, a PATCH and JSON.
 *
 * A non-2xx answer throws a `KubeHttpError` shaped as the generated API's `ApiException`
 * (`code` = HTTP status, `body` = the `Status` text), so kubernetes-errors.ts maps both alike.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Agent as HttpsAgent, request, type AgentOptions } from 'node:https';
import { request as requestHttp, type ClientRequest, type RequestOptions } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { AdapterError, ConfigError, type RewindError } from '../../core/errors.ts';
import { kubeError } from './kubernetes-errors.ts';

export { KubeConfig };

export class KubeHttpError extends Error {
  readonly code: number;
  readonly body: string;
  constructor(code: number, body: string, method: string, path: string) {
    super(`HTTP-Code: ${code} ${method} ${path}`);
    this.name = 'KubeHttpError';
    this.code = code;
    this.body = body;
  }
}

export interface KubeRest {
  /** The current context's server URL, for messages. */
  readonly server: string;
  readonly context: string;
  get<T = unknown>(path: string, signal?: AbortSignal): Promise<T>;
  /** `contentType`: application/merge-patch+json, application/json-patch+json or application/strategic-merge-patch+json. */
  patch<T = unknown>(path: string, contentType: string, body: unknown, signal?: AbortSignal): Promise<T>;
}

type LoadedKubeConfig = Pick<KubeConfig, 'clusters' | 'contexts' | 'users' | 'currentContext'>;
const loadedFiles = new Map<string, LoadedKubeConfig>();

/**
 * client-node's loader, once per file version: a plan's ports (workload, rollout history,
 * Application CR) each want a `KubeConfig` of the same file, and each parse cost a YAML load. Every
 * caller still gets its own instance (`kubeRest` sets its current context), built from the loaded
 * clusters, contexts and users. Keyed by path, mtime and size, so a rotated kubeconfig is read again.
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) {
      const st = statSync(path);
      const key = `${path}\0${st.mtimeMs}\0${st.size}`;
      const known = loadedFiles.get(key);
      if (known) kc.loadFromOptions({ ...known });
      else {
        kc.loadFromFile(path);
        loadedFiles.set(key, { clusters: kc.clusters, contexts: kc.contexts, users: kc.users, currentContext: kc.currentContext });
      }
    } else kc.loadFromDefault();
  } catch (cause) {
    throw new ConfigError(`cannot load the kubeconfig ${path ?? '(default: $KUBECONFIG or ~/.kube/config)'}`, {
      cause,
      hint: 'set clusters[].kubeconfig in rewind.yaml or KUBECONFIG',
    });
  }
  return kc;
}

/**
 * client-node's `applyToHTTPSOptions` makes a new `https.Agent` per request (`createAgent`, its
 * `src/config.ts`), so each call paid a TCP connect and a full TLS handshake (4 per plan). One
 * keep-alive agent per server and TLS material serves the process instead: same CA, client
 * certificate and verification, connections and TLS sessions reused. Proxy agents stay as
 * client-node makes them. Keyed by a digest, so no key material sits in the map's keys.
 */
const sharedAgents = new Map<string, HttpsAgent>();
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername', 'ciphers', 'crl', 'secureProtocol', 'secureOptions'] as const;
// NOTE: a free socket lives at most this long (Node's agent also honours a server's `Keep-Alive:
// timeout=` hint, _http_agent.js `keepSocketAlive`); a server closing one first is met by the retry in `send`.
const FREE_SOCKET_MS = 4_000;

function sharedAgent(server: string, made: unknown): unknown {
  if (!(made instanceof HttpsAgent) || made.constructor !== HttpsAgent) return made;
  const options = (made as HttpsAgent & { options: AgentOptions }).options;
  const h = createHash('sha256').update(server);
  for (const f of TLS_FIELDS) {
    const v: unknown = options[f];
    const parts = Array.isArray(v) ? (v as unknown[]) : [v];
    for (const part of parts) h.update(`\0${f}=`).update(Buffer.isBuffer(part) ? part : String(part));
  }
  const key = h.digest('hex');
  let agent = sharedAgents.get(key);
  if (!agent) {
    agent = new HttpsAgent({ ...options, keepAlive: true, timeout: FREE_SOCKET_MS });
    sharedAgents.set(key, agent);
  }
  made.destroy();
  return agent;
}

/** REST calls through `kc`'s context `context` (set as its current context, as the generated API clients read it). */
export function kubeRest(kc: KubeConfig, context: string): KubeRest {
  kc.setCurrentContext(context);
  const server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  // NOTE: applyToHTTPSOptions runs per request: an exec or OIDC plugin may refresh its token between calls.
  async function send<T>(method: string, path: string, signal: AbortSignal | undefined, body?: { type: string; data: unknown }): Promise<T> {
    const opts: RequestOptions & { headers: Record<string, string> } = { method, headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    opts.agent = sharedAgent(server, opts.agent) as RequestOptions['agent'];
    const payload = body === undefined ? undefined : JSON.stringify(body.data);
    if (body) opts.headers['Content-Type'] = body.type;
    if (signal) opts.signal = signal;
    const url = new URL(server + path);
    const open = url.protocol === 'http:' ? requestHttp : request;
    return once<T>(open, url, opts, payload, method, path).catch((e: unknown) => {
      // A kept-alive connection the server closed as it was reused (the race Node's http docs
      // describe under `request.reusedSocket`): a GET goes again on a new connection, as Go's
      // net/http does for an idempotent request (transport.go, `shouldRetryRequest`).
      if (method === 'GET' && e instanceof ReusedSocketReset) return once<T>(open, url, opts, payload, method, path);
      throw e instanceof ReusedSocketReset ? e.cause : e;
    });
  }
  return {
    server: server || '(no server)',
    context,
    get: (path, signal) => send('GET', path, signal),
    patch: (path, contentType, data, signal) => send('PATCH', path, signal, { type: contentType, data }),
  };
}

class ReusedSocketReset extends Error {}

function once<T>(open: typeof request, url: URL, opts: RequestOptions, payload: string | undefined, method: string, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req: ClientRequest = open(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(new KubeHttpError(status, text, method, path));
        try {
          resolve(JSON.parse(text) as T);
        } catch (cause) {
          reject(new AdapterError('kubernetes', `${method} ${path}`, `the API server answered ${status} with no JSON (${text.slice(0, 80)})`, { cause }));
        }
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(req.reusedSocket && e.code === 'ECONNRESET' ? new ReusedSocketReset(e.message, { cause: e }) : e));
    req.end(payload);
  });
}

export type RestCall = <T>(operation: string, notFound: () => RewindError, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal) => Promise<T>;

/**
 * One call under a deadline: the caller's signal and the deadline both cancel the request; a
 * deadline is a transient AdapterError, anything else goes through kubeError.
 */
export function restCall(o: { readonly server: string; readonly context: string; readonly timeoutMs: number }): RestCall {
  return async (operation, notFound, fn, signal) => {
    const deadline = AbortSignal.timeout(o.timeoutMs);
    try {
      return await fn(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw deadline.aborted
        ? new AdapterError('kubernetes', operation, `no answer from ${o.server} within ${o.timeoutMs} ms (context ${o.context})`, { cause: err, transient: true })
        : kubeError(err, { operation, context: o.context, server: o.server, notFound });
    }
  };
}

/** `/api/v1/namespaces/NS/pods` and the like, each segment escaped. */
export function apiPath(prefix: string, namespace: string, plural: string, name?: string, query?: Record<string, string | undefined>): string {
  const q = Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  const search = q.length ? `?${new URLSearchParams(q).toString()}` : '';
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}${search}`;
}
