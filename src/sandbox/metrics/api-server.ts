/**
 * The Prometheus-compatible HTTP API of the sandbox (port base+2): HTTPS with the sandbox
 * CA and bearer-token auth like its Kubernetes and Argo CD APIs, and Prometheus' own routes,
 * parameters, response envelope, error types and status codes (web/api/v1/api.go, v2.42.0):
 * `bad_data` 400, `execution` 422, `timeout` 503, `internal` 500.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertingRule } from './alert-rules.ts';
import { formatExp, pair } from './api-format.ts';
import type { Labels } from './exposition.ts';
import { typeOf } from './promql/ast.ts';
import { parseDuration } from '../../core/duration.ts';
import { evaluate } from './promql/eval.ts';
import { parsePromQL, PromQLError } from './promql/parse.ts';
import { ExecutionError, type Value } from './promql/values.ts';
import { labelsKey, type Matcher, type Tsdb } from './tsdb.ts';
import { sameSecret } from '../same-secret.ts';
import { errorText } from '../error-text.ts';

type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'internal' | 'not_found';
const STATUS: Readonly<Record<ErrorType, number>> = { bad_data: 400, execution: 422, timeout: 503, internal: 500, not_found: 404 };

class ApiError extends Error {
  readonly type: ErrorType;
  constructor(type: ErrorType, message: string) {
    super(message);
    this.type = type;
  }
}

const MAX_POINTS = 11_000;
const MAX_BODY = 1024 * 1024;
/** An absent start/end means all of time (api.go minTime/maxTime). */
const MIN_TIME_MS = -Infinity;
const MAX_TIME_MS = Infinity;

export interface PromApiOptions {
  readonly port: number;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly token: string;
  readonly db: Tsdb;
  readonly rules: readonly AlertingRule[];
  readonly ruleFile: string;
  readonly intervalMs: number;
  /** Sandbox time, ms. */
  readonly now: () => number;
  readonly log?: (line: string) => void;
}

export interface PromApi {
  readonly port: number;
  readonly url: string;
  /** True while `setOffline(true)` holds: nothing listens on the port (clients get ECONNREFUSED). */
  readonly offline: boolean;
  /** An outage as clients see a crashed Prometheus: the port closes (open connections too), then listens again. */
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}

type Params = URLSearchParams;

function authorized(req: IncomingMessage, token: string): boolean {
  return sameSecret(req.headers.authorization ?? '', `Bearer ${token}`);
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params = new URLSearchParams();
  if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) throw new ApiError('bad_data', 'error parsing form values: http: request body too large');
      chunks.push(c as Buffer);
    }
    // Go's ParseForm: body values come before the URL's, and FormValue takes the first.
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.append(k, v);
  }
  for (const [k, v] of url.searchParams) params.append(k, v);
  return params;
}

/** api.go parseTime: unix seconds (float) or RFC 3339. */
export function parseTime(text: string, name: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
}

/** api.go parseDuration: float seconds or a Prometheus duration. */
function parseStep(text: string, name: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return n * 1000;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  return ms;
}

function parseQuery(text: string | null, range: boolean): ReturnType<typeof parsePromQL> {
  try {
    const expr = parsePromQL(text ?? '');
    if (range) {
      const t = typeOf(expr);
      if (t !== 'scalar' && t !== 'vector') throw new PromQLError(`invalid expression type "${t === 'matrix' ? 'range vector' : t}" for range query, must be Scalar or instant Vector`);
    }
    return expr;
  } catch (e) {
    if (e instanceof PromQLError) throw new ApiError('bad_data', `invalid parameter "query": ${e.message}`);
    throw e;
  }
}

/** Prometheus' default `--query.timeout`. */
const DEFAULT_TIMEOUT_MS = 120_000;

/** A `timeout` parameter (api.go) as a real-time deadline, checked before each evaluation step. */
function deadlineOf(params: Params): () => void {
  const text = params.get('timeout');
  const ms = text ? parseStep(text, 'timeout') : DEFAULT_TIMEOUT_MS;
  const deadline = performance.now() + ms;
  return () => {
    if (performance.now() >= deadline) throw new ApiError('timeout', 'query timed out in expression evaluation');
  };
}

function runEval<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExecutionError) throw new ApiError('execution', e.message);
    throw e;
  }
}

function sortedLabels(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

function resultJson(v: Value, tMs: number): unknown {
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: pair(tMs, v.v) };
    case 'string':
      return { resultType: 'string', result: [tMs / 1000, v.v] };
    case 'vector':
      return { resultType: 'vector', result: v.samples.map((s) => ({ metric: sortedLabels(s.labels), value: pair(tMs, s.v) })) };
    case 'matrix':
      return { resultType: 'matrix', result: v.series.map((s) => ({ metric: sortedLabels(s.labels), values: s.points.map((p) => pair(p.t, p.v)) })) };
  }
}

function matchersOf(params: Params, required: boolean): Matcher[][] {
  const texts = params.getAll('match[]');
  if (texts.length === 0) {
    if (required) throw new ApiError('bad_data', 'no match[] parameter provided');
    return [];
  }
  return texts.map((t) => {
    let expr;
    try {
      expr = parsePromQL(t);
    } catch (e) {
      throw new ApiError('bad_data', (e as Error).message);
    }
    if (expr.kind !== 'vector') throw new ApiError('bad_data', `invalid parameter "match[]": 1:1: parse error: unexpected expression, expected a vector selector`);
    return [...expr.matchers];
  });
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function startPromApi(o: PromApiOptions): Promise<PromApi> {
  const seriesIn = (params: Params, required: boolean): Labels[] => {
    const start = params.get('start') ? parseTime(params.get('start')!, 'start') : MIN_TIME_MS;
    const end = params.get('end') ? parseTime(params.get('end')!, 'end') : MAX_TIME_MS;
    const sets = matchersOf(params, required);
    const found = new Map<string, Labels>();
    const candidates = sets.length > 0 ? sets.flatMap((m) => o.db.select(m)) : [...o.db.all()];
    for (const s of candidates) {
      if (!s.t.some((t, i) => t >= start && t <= end && s.v[i] !== null)) continue;
      found.set(s.key, s.labels);
    }
    return [...found.values()];
  };

  const routes: Record<string, (params: Params, path: string) => unknown> = {
    '/api/v1/query': (params) => {
      const expr = parseQuery(params.get('query'), false);
      const t = params.get('time') ? parseTime(params.get('time')!, 'time') : o.now();
      const check = deadlineOf(params);
      check();
      const v = runEval(() => evaluate(expr, t, { db: o.db }));
      return resultJson(v, t);
    },
    '/api/v1/query_range': (params) => {
      const start = parseTime(params.get('start') ?? '', 'start');
      const end = parseTime(params.get('end') ?? '', 'end');
      if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start time');
      const step = parseStep(params.get('step') ?? '', 'step');
      if (step <= 0) throw new ApiError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > MAX_POINTS) throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      const expr = parseQuery(params.get('query'), true);
      const series = new Map<string, { labels: Labels; points: { t: number; v: number }[] }>();
      const check = deadlineOf(params);
      runEval(() => {
        for (let t = start; t <= end; t += step) {
          check();
          const v = evaluate(expr, t, { db: o.db });
          const samples = v.type === 'scalar' ? [{ labels: {}, v: v.v }] : v.type === 'vector' ? v.samples : [];
          for (const s of samples) {
            const k = labelsKey(s.labels);
            let e = series.get(k);
            if (!e) series.set(k, (e = { labels: s.labels, points: [] }));
            e.points.push({ t, v: s.v });
          }
        }
      });
      const sorted = [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
      return resultJson({ type: 'matrix', series: sorted }, end);
    },
    '/api/v1/series': (params) => seriesIn(params, true).map(sortedLabels),
    '/api/v1/labels': (params) => [...new Set(seriesIn(params, false).flatMap((l) => Object.keys(l)))].sort(),
    '/api/v1/rules': (params) => {
      const type = params.get('type');
      if (type && type !== 'alert' && type !== 'record') throw new ApiError('bad_data', `invalid parameter "type": not supported value "${type}"`);
      const rules = type === 'record' ? [] : o.rules;
      const last = Math.max(...o.rules.map((r) => r.lastEvaluationMs ?? 0));
      return {
        groups: [
          {
            name: 'bookstore',
            file: o.ruleFile,
            rules: rules.map((r) => ({
              state: r.state(),
              name: r.def.alert,
              query: r.def.expr,
              duration: r.def.forSeconds,
              keepFiringFor: 0,
              labels: r.def.labels,
              annotations: r.def.annotations,
              alerts: r.activeAlerts().map(alertJson),
              health: r.health,
              ...(r.lastError ? { lastError: r.lastError } : {}),
              evaluationTime: r.evaluationSeconds,
              lastEvaluation: r.lastEvaluationMs === undefined ? '0001-01-01T00:00:00Z' : iso(r.lastEvaluationMs),
              type: 'alerting',
            })),
            interval: o.intervalMs / 1000,
            limit: 0,
            evaluationTime: o.rules.reduce((a, r) => a + r.evaluationSeconds, 0),
            lastEvaluation: last > 0 ? iso(last) : '0001-01-01T00:00:00Z',
          },
        ],
      };
    },
    '/api/v1/alerts': () => ({ alerts: o.rules.flatMap((r) => r.activeAlerts().map(alertJson)) }),
    '/api/v1/status/buildinfo': () => ({
      version: '2.42.0',
      revision: 'rewind-sandbox',
      branch: 'rewind-sandbox',
      buildUser: 'rewind',
      buildDate: '20230201-00:00:00',
      goVersion: 'go1.19',
    }),
  };
  const GET_ONLY = new Set(['/api/v1/rules', '/api/v1/alerts', '/api/v1/status/buildinfo']);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    if (!authorized(req, o.token)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="rewind-sandbox"' }).end('Unauthorized\n');
      return;
    }
    if (url.pathname === '/-/ready' || url.pathname === '/-/healthy') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(url.pathname === '/-/ready' ? 'Prometheus Server is Ready.\n' : 'Prometheus Server is Healthy.\n');
      return;
    }
    const labelValues = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(url.pathname);
    const route = labelValues ? 'label-values' : url.pathname;
    const fn = routes[route];
    if (!fn && !labelValues) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && (req.method !== 'POST' || GET_ONLY.has(route))) {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    try {
      const params = await readParams(req, url);
      let data: unknown;
      if (labelValues) {
        const name = decodeURIComponent(labelValues[1]!);
        if (!LABEL_NAME.test(name)) throw new ApiError('bad_data', `invalid label name: "${name}"`);
        data = [...new Set(seriesIn(params, false).map((l) => l[name]).filter((v): v is string => v !== undefined && v !== ''))].sort();
      } else data = fn!(params, url.pathname);
      send(res, 200, { status: 'success', data });
    } catch (e) {
      if (e instanceof ApiError) send(res, STATUS[e.type], { status: 'error', errorType: e.type, error: e.message });
      else {
        o.log?.(`prometheus api: ${errorText(e)}`);
        send(res, 500, { status: 'error', errorType: 'internal', error: String(e) });
      }
    }
  };

  const server: Server = createServer({ cert: o.tls.cert, key: o.tls.key }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let offline = false;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    get offline() {
      return offline;
    },
    async setOffline(down) {
      if (down === offline) return;
      offline = down;
      if (down) return stop();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: stop,
  };
}

function alertJson(a: ReturnType<AlertingRule['activeAlerts']>[number]): unknown {
  return { labels: sortedLabels(a.labels), annotations: a.annotations, state: a.state, activeAt: iso(a.activeAtMs), value: formatExp(a.value) };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
