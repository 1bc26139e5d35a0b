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
import { Agent, request } from 'node:https';
import { request as requestHttp, type RequestOptions } from 'node:http';
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

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new ConfigError(`cannot load the kubeconfig ${path ?? '(default: $KUBECONFIG or ~/.kube/config)'}`, {
      cause,
      hint: 'set clusters[].kubeconfig in rewind.yaml or KUBECONFIG',
    });
  }
  return kc;
}

/** REST calls through `kc`'s context `context` (set as its current context, as the generated API clients read it). */
export function kubeRest(kc: KubeConfig, context: string): KubeRest {
  kc.setCurrentContext(context);
  const server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  // NOTE: applyToHTTPSOptions runs per request: an exec or OIDC plugin may refresh its token between calls.
  async function send<T>(method: string, path: string, signal: AbortSignal | undefined, body?: { type: string; data: unknown }): Promise<T> {
    const opts: RequestOptions & { headers: Record<string, string> } = { method, headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    opts.agent = keepAlive(opts.agent);
    const payload = body === undefined ? undefined : JSON.stringify(body.data);
    if (body) opts.headers['Content-Type'] = body.type;
    if (signal) opts.signal = signal;
    const url = new URL(server + path);
    const open = url.protocol === 'http:' ? requestHttp : request;
    return new Promise<T>((resolve, reject) => {
      const req = open(url, opts, (res) => {
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
      req.on('error', reject);
      req.end(payload);
    });
  }
  return {
    server: server || '(no server)',
    context,
    get: (path, signal) => send('GET', path, signal),
    patch: (path, contentType, data, signal) => send('PATCH', path, signal, { type: contentType, data }),
  };
}

/**
 * client-node's `applyToHTTPSOptions` makes a new agent per call (config.ts `createAgent`), so
 * every request paid a TLS handshake. A plain https.Agent with the same TLS material as the last
 * one is swapped for one keep-alive agent (sockets unref'd while idle by Node, so a CLI run still
 * exits); a proxy agent (hpagent, socks) is used as given.
 */
const keptAgents = new Map<string, Agent>();
function keepAlive(agent: RequestOptions['agent']): RequestOptions['agent'] {
  if (!(agent instanceof Agent) || agent.constructor !== Agent) return agent;
  const o = agent.options as Record<string, unknown>;
  // The TLS material decides which connections may be shared (Buffers serialise through toJSON).
  const key = JSON.stringify(['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].map((k) => o[k] ?? null));
  let kept = keptAgents.get(key);
  if (!kept) {
    kept = new Agent({ ...o, keepAlive: true });
    keptAgents.set(key, kept);
  }
  return kept;
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
