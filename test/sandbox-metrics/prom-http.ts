/** Calls to a Prometheus HTTP API: the sandbox's (HTTPS, bearer token) or a real one (plain HTTP). */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PromEndpoint {
  readonly url: string;
  readonly ca?: string;
  readonly token?: string;
}

export interface PromReply {
  readonly status: number;
  readonly text: string;
  readonly json: PromBody;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: [number, string][];
}

export interface PromBody {
  readonly status?: string;
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: {
    readonly resultType?: string;
    readonly result?: PromSample[] | [number, string];
    readonly alerts?: { labels: Record<string, string>; state: string; activeAt: string; value: string }[];
    readonly groups?: { name: string; rules: { name: string; state: string; health: string; query: string; duration: number; alerts: unknown[] }[] }[];
  } & Record<string, unknown>;
}

/** `token`: the endpoint's by default; `null` sends none. */
export function promCall(ep: PromEndpoint, method: 'GET' | 'POST', path: string, params: Record<string, string | string[]> = {}, token: string | null = ep.token ?? null): Promise<PromReply> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  const url = new URL(path, ep.url);
  if (method === 'GET') url.search = form.toString();
  const body = method === 'POST' ? Buffer.from(form.toString()) : undefined;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(ep.ca ? { ca: ep.ca } : {}),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: PromBody = {};
          try {
            json = JSON.parse(text) as PromBody;
          } catch {
            // plain-text answers (401, 404) have no JSON
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An instant query's vector, keyed by its sorted label set; without `timeSec`, at the server's now. */
export async function instantVector(ep: PromEndpoint, query: string, timeSec?: number): Promise<Map<string, number>> {
  const r = await promCall(ep, 'GET', '/api/v1/query', { query, ...(timeSec !== undefined ? { time: String(timeSec) } : {}) });
  if (r.status !== 200 || r.json.status !== 'success') throw new Error(`${ep.url} ${query}: HTTP ${r.status} ${r.text}`);
  const out = new Map<string, number>();
  const data = r.json.data!;
  if (data.resultType === 'scalar') {
    const [, v] = data.result as [number, string];
    out.set('scalar', Number(v));
    return out;
  }
  for (const s of data.result as PromSample[]) {
    const key = JSON.stringify(Object.entries(s.metric).sort(([a], [b]) => a.localeCompare(b)));
    out.set(key, Number(s.value![1]));
  }
  return out;
}
