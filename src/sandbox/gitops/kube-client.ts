/**
 * A small HTTPS client for the sandbox's own Kubernetes API. Argo CD reaches the clusters
 * only through this, with the CA and a bearer token, exactly as it would a real API server.
 */
import { Agent, request } from 'node:https';
import type { KubeObject } from '../kube/types.ts';

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface KubeClient {
  readonly baseUrl: string;
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>>;
  close(): void;
}

export function createKubeClient(options: { baseUrl: string; token: string; ca: string }): KubeClient {
  const agent = new Agent({ keepAlive: true, ca: options.ca, maxSockets: 8 });
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return {
    baseUrl: options.baseUrl,
    request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path: `${prefix}${path}`,
            headers: {
              authorization: `Bearer ${options.token}`,
              accept: 'application/json',
              'user-agent': 'argocd-application-controller/v3.1.0 (sandbox)',
              ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}),
            },
            timeout: 15_000,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = text ? JSON.parse(text) : undefined;
              } catch {
                // not JSON: keep the text for the error message
              }
              resolve({ status: res.statusCode ?? 0, body: parsed as T });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** `apps/v1` + `Deployment` -> `/apis/apps/v1/namespaces/ns/deployments[/name]`. */
export function resourcePath(ref: { apiVersion?: string; kind?: string; namespace?: string; name?: string }): string {
  const apiVersion = ref.apiVersion ?? 'v1';
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = pluralOf(ref.kind ?? '');
  const ns = ref.namespace && ref.kind !== 'Namespace' ? `/namespaces/${ref.namespace}` : '';
  return `${root}${ns}/${plural}${ref.name ? `/${ref.name}` : ''}`;
}

export function objectPath(o: KubeObject, withName = true): string {
  return resourcePath({
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: withName ? o.metadata.name : undefined,
  });
}

function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export function kubeMessage(r: KubeResponse): string {
  const b = r.body as { message?: string } | string | undefined;
  return typeof b === 'object' && b?.message ? b.message : `HTTP ${r.status}${typeof b === 'string' ? `: ${b.slice(0, 200)}` : ''}`;
}
