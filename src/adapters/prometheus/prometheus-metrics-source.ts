/**
 * `MetricsSource` over the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`,
 * `/api/v1/alerts`) and, when configured, Alertmanager's `/api/v2/alerts`. Every call is an
 * idempotent read, so transient failures (connection refused or reset, timeouts, 5xx, 429) are
 * retried with exponential back-off and full jitter before they surface as an AdapterError.
 *
 * Followed: prometheus/prometheus `web/api/v1/api.go` (response envelope, error types, POST with
 * a form body on the query endpoints) and `docs/querying/api.md` (value encodings: sample values
 * are strings so NaN and ±Inf survive JSON); prometheus/alertmanager `api/v2/openapi.yaml`
 * (`gettableAlerts`: labels, startsAt, status.state active|suppressed|unprocessed).
 */
import { AdapterError, isRewindError } from '../../core/errors.ts';
import { parseSampleValue, type Labels, type MetricsAlert, type QueryResult, type Sample } from '../../core/metrics.ts';
import type { MetricsSource } from '../../core/ports.ts';
import { httpError, networkError, SYSTEM } from './prometheus-errors.ts';
import { createTransport, type PrometheusAuth, type Transport, type TransportRequest } from './prometheus-transport.ts';

export interface PrometheusMetricsSourceOptions {
  readonly url: string;
  readonly auth?: PrometheusAuth;
  readonly ca?: string | Buffer;
  readonly insecure?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request (default 10 s); Prometheus is also told, as its own `timeout` parameter. */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included (default 3). */
  readonly attempts?: number;
  /** First back-off (default 250 ms), doubled per attempt, with full jitter. */
  readonly backoffMs?: number;
  /** Alertmanager's base URL: alerts come from there when set. */
  readonly alertmanagerUrl?: string;
  /** Queries longer than this go by POST (default 1500 characters: URL limits of proxies). */
  readonly postAbove?: number;
  /** Injected for tests; setTimeout honouring the signal by default. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function labelsOf(v: unknown): Labels {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function sampleOf(v: unknown, what: string): Sample {
  if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'string') throw new Error(`${what} is not a [time, "value"] pair`);
  return { t: v[0], v: parseSampleValue(v[1]) };
}

/** The `data` of a query answer as rewind's QueryResult (docs/querying/api.md "Expression query result formats"). */
export function toQueryResult(data: unknown): QueryResult {
  if (!isObj(data)) throw new Error('the answer has no data');
  const result = data['result'];
  switch (data['resultType']) {
    case 'scalar':
      return { kind: 'scalar', sample: sampleOf(result, 'a scalar') };
    case 'vector':
      if (!Array.isArray(result)) throw new Error('a vector is not a list');
      return { kind: 'vector', series: result.map((s: unknown) => ({ labels: labelsOf(isObj(s) ? s['metric'] : undefined), sample: sampleOf(isObj(s) ? s['value'] : undefined, 'a vector sample') })) };
    case 'matrix':
      if (!Array.isArray(result)) throw new Error('a matrix is not a list');
      return {
        kind: 'matrix',
        series: result.map((s: unknown) => {
          const values: unknown = isObj(s) ? s['values'] : undefined;
          return { labels: labelsOf(isObj(s) ? s['metric'] : undefined), samples: Array.isArray(values) ? values.map((x: unknown) => sampleOf(x, 'a matrix sample')) : [] };
        }),
      };
    default:
      throw new Error(`resultType ${JSON.stringify(data['resultType'])} is not a metric (string results are not supported)`);
  }
}

function toPrometheusAlert(a: unknown): MetricsAlert | undefined {
  if (!isObj(a)) return undefined;
  const labels = labelsOf(a['labels']);
  const state = a['state'];
  if (state !== 'pending' && state !== 'firing' && state !== 'inactive') return undefined;
  const value = typeof a['value'] === 'string' ? parseSampleValue(a['value']) : undefined;
  return {
    name: labels['alertname'] ?? '',
    labels,
    state,
    ...(typeof a['activeAt'] === 'string' ? { activeAt: a['activeAt'] } : {}),
    ...(value !== undefined ? { value } : {}),
    source: 'prometheus',
  };
}

function toAlertmanagerAlert(a: unknown): MetricsAlert | undefined {
  if (!isObj(a)) return undefined;
  const labels = labelsOf(a['labels']);
  const status = a['status'];
  const st = isObj(status) ? status['state'] : undefined;
  // Silenced or inhibited alerts are "suppressed": still firing in Prometheus, not paging anyone.
  if (st !== 'active' && st !== 'suppressed') return undefined;
  return { name: labels['alertname'] ?? '', labels, state: 'firing', ...(typeof a['startsAt'] === 'string' ? { activeAt: a['startsAt'] } : {}), source: 'alertmanager' };
}

export function createPrometheusMetricsSource(options: PrometheusMetricsSourceOptions): MetricsSource {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 250;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const postAbove = options.postAbove ?? 1500;
  const tls = { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...(options.insecure !== undefined ? { insecure: options.insecure } : {}) };
  const common = { ...(options.auth ? { auth: options.auth } : {}), ...(options.headers ? { headers: options.headers } : {}), ...tls, timeoutMs };
  const prometheus = createTransport({ url: options.url, ...common });
  // Errors name the server, never credentials someone put in the URL (https://user:pass@host).
  const shown = (url: string) => {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  };
  const alertmanager = options.alertmanagerUrl ? createTransport({ url: options.alertmanagerUrl, ...common }) : undefined;
  const secrets = options.auth === undefined ? [] : 'bearer' in options.auth ? [options.auth.bearer] : [options.auth.basic.password];
  // A store may echo a header back in an error body; the token must not reach the user's screen.
  const scrub = (text: string) => secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);

  async function call(transport: Transport, system: string, url: string, operation: string, req: TransportRequest): Promise<unknown> {
    let last: AdapterError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(Math.floor(random() * backoffMs * 2 ** (attempt - 1)), req.signal);
      let res;
      try {
        res = await transport(req);
      } catch (err) {
        if (req.signal?.aborted) throw err;
        last = networkError(system, operation, url, err);
        if (!last.transient) throw last;
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        last = httpError(system, operation, res.status, scrub(res.text));
        if (!last.transient) throw last;
        continue;
      }
      try {
        return JSON.parse(res.text) as unknown;
      } catch {
        throw new AdapterError(system, operation, `answered HTTP ${res.status} with a body that is not JSON: ${scrub(res.text.slice(0, 120))}`, { status: res.status });
      }
    }
    throw new AdapterError(system, operation, `${last?.message.replace(`${system}: ${operation}: `, '') ?? 'failed'} (after ${attempts} attempts)`, {
      ...(last?.status !== undefined ? { status: last.status } : {}),
      transient: true,
      ...(last?.hint !== undefined ? { hint: last.hint } : {}),
      cause: last,
    });
  }

  async function api(operation: string, path: string, params: URLSearchParams, signal: AbortSignal | undefined, long: boolean): Promise<unknown> {
    const req: TransportRequest = { method: long ? 'POST' : 'GET', path, params, ...(signal ? { signal } : {}) };
    const body = await call(prometheus, SYSTEM, shown(options.url), operation, req);
    if (!isObj(body) || body['status'] !== 'success') {
      const msg = isObj(body) && typeof body['error'] === 'string' ? body['error'] : 'the answer is not {status: "success"}';
      throw new AdapterError(SYSTEM, operation, scrub(msg));
    }
    return body['data'];
  }

  const decode = <T>(operation: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (isRewindError(e)) throw e;
      throw new AdapterError(SYSTEM, operation, `unexpected answer: ${(e as Error).message}`);
    }
  };

  return {
    async query(promql, opts = {}) {
      const params = new URLSearchParams({ query: promql, timeout: `${Math.floor(timeoutMs / 1000)}s` });
      if (opts.time) params.set('time', (opts.time.getTime() / 1000).toFixed(3));
      const data = await api('query', '/api/v1/query', params, opts.signal, promql.length > postAbove);
      return decode('query', () => toQueryResult(data));
    },
    async queryRange(promql, range, opts = {}) {
      const params = new URLSearchParams({
        query: promql,
        start: (range.start.getTime() / 1000).toFixed(3),
        end: (range.end.getTime() / 1000).toFixed(3),
        step: String(range.stepSeconds),
        timeout: `${Math.floor(timeoutMs / 1000)}s`,
      });
      const data = await api('query_range', '/api/v1/query_range', params, opts.signal, promql.length > postAbove);
      const r = decode('query_range', () => toQueryResult(data));
      if (r.kind !== 'matrix') throw new AdapterError(SYSTEM, 'query_range', `expected a matrix, got a ${r.kind}`);
      return r;
    },
    async alerts(opts = {}) {
      if (alertmanager && options.alertmanagerUrl) {
        const params = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true' });
        const body = await call(alertmanager, 'alertmanager', shown(options.alertmanagerUrl), 'alerts', { method: 'GET', path: '/api/v2/alerts', params, ...(opts.signal ? { signal: opts.signal } : {}) });
        if (!Array.isArray(body)) throw new AdapterError('alertmanager', 'alerts', 'the answer is not a list of alerts');
        return body.map(toAlertmanagerAlert).filter((a): a is MetricsAlert => a !== undefined);
      }
      const data = await api('alerts', '/api/v1/alerts', new URLSearchParams(), opts.signal, false);
      const list: unknown = isObj(data) ? data['alerts'] : undefined;
      if (!Array.isArray(list)) throw new AdapterError(SYSTEM, 'alerts', 'unexpected answer: no alerts list');
      return list.map(toPrometheusAlert).filter((a): a is MetricsAlert => a !== undefined);
    },
  };
}
