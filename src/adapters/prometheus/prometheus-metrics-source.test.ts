import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../../core/errors.ts';
import { startFakeHttpServer, type FakeResponse } from '../../testing/fake-http-server.ts';
import { createPrometheusMetricsSource } from './prometheus-metrics-source.ts';

const vectorBody = (v: string) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric: { service: 'catalog' }, value: [1_700_000_000.5, v] }] } });
const noSleep = { sleep: () => Promise.resolve(), random: () => 0.5 };

test('transient failures are retried with back-off, then the answer is decoded (NaN kept)', async () => {
  const answers: FakeResponse[] = [{ status: 503, body: { status: 'error', errorType: 'unavailable', error: 'starting' } }, { destroy: true }, { body: vectorBody('NaN') }];
  const server = await startFakeHttpServer((_r, i) => answers[i] ?? { status: 500 });
  const waits: number[] = [];
  try {
    const source = createPrometheusMetricsSource({ url: server.url, attempts: 3, backoffMs: 100, random: () => 0.5, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    const r = await source.query('up');
    assert.equal(r.kind, 'vector');
    assert.ok(r.kind === 'vector' && Number.isNaN(r.series[0]?.sample.v));
    assert.deepEqual(waits, [50, 100], 'full jitter over a doubling back-off');
  } finally {
    await server.close();
  }
});

test('bad PromQL is not retried; the error carries Prometheus’ errorType and no token', async () => {
  const token = 's3cret-token-value';
  const server = await startFakeHttpServer(() => ({ status: 400, body: { status: 'error', errorType: 'bad_data', error: `parse error: unexpected <EOF> (auth was Bearer ${token})` } }));
  try {
    const source = createPrometheusMetricsSource({ url: server.url, auth: { bearer: token }, ...noSleep });
    await assert.rejects(source.query('sum('), (e: unknown) => {
      assert.ok(e instanceof AdapterError);
      assert.equal(e.status, 400);
      assert.equal(e.transient, false);
      assert.match(e.message, /bad_data: parse error/);
      assert.ok(!e.message.includes(token));
      return true;
    });
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${token}`);
  } finally {
    await server.close();
  }
});

test('an unreachable store is a transient AdapterError after every attempt', async () => {
  const server = await startFakeHttpServer(() => ({}));
  const url = server.url;
  await server.close();
  const source = createPrometheusMetricsSource({ url, attempts: 2, ...noSleep });
  await assert.rejects(source.query('up'), (e: unknown) => e instanceof AdapterError && e.transient && /connection refused.*after 2 attempts/.test(e.message));
});

test('long queries go by POST as a form; tenant headers and basic auth are sent', async () => {
  const server = await startFakeHttpServer(() => ({ body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '0.1'], [2, '+Inf']] }] } } }));
  try {
    const source = createPrometheusMetricsSource({ url: `${server.url}/prometheus`, headers: { 'X-Scope-OrgID': 'team-a' }, auth: { basic: { username: 'u', password: 'p' } }, postAbove: 10, ...noSleep });
    const r = await source.queryRange('sum(rate(http_requests_total[1m]))', { start: new Date(1000), end: new Date(2000), stepSeconds: 1 });
    assert.deepEqual(r.series[0]?.samples, [{ t: 1, v: 0.1 }, { t: 2, v: Number.POSITIVE_INFINITY }]);
    const req = server.requests[0];
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, '/prometheus/api/v1/query_range');
    assert.equal(req?.headers['x-scope-orgid'], 'team-a');
    assert.equal(req?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.match(String(req?.body), /query=sum%28rate/);
    assert.match(String(req?.body), /start=1\.000&end=2\.000&step=1/);
  } finally {
    await server.close();
  }
});

test('alerts from Alertmanager when configured: active and suppressed are firing', async () => {
  const server = await startFakeHttpServer(() => ({
    body: [
      { labels: { alertname: 'BookstoreCatalogP99Latency', service: 'catalog' }, startsAt: '2026-05-20T14:30:00Z', status: { state: 'active' } },
      { labels: { alertname: 'Old' }, startsAt: '2026-05-20T10:00:00Z', status: { state: 'unprocessed' } },
    ],
  }));
  try {
    const source = createPrometheusMetricsSource({ url: 'http://127.0.0.1:1', alertmanagerUrl: server.url, ...noSleep });
    const alerts = await source.alerts();
    assert.deepEqual(alerts, [{ name: 'BookstoreCatalogP99Latency', labels: { alertname: 'BookstoreCatalogP99Latency', service: 'catalog' }, state: 'firing', activeAt: '2026-05-20T14:30:00Z', source: 'alertmanager' }]);
    assert.match(server.requests[0]?.path ?? '', /^\/api\/v2\/alerts\?active=true/);
  } finally {
    await server.close();
  }
});

test('a string result or a malformed answer is an AdapterError, not a number', async () => {
  const server = await startFakeHttpServer((_r, i) => (i === 0 ? { body: { status: 'success', data: { resultType: 'string', result: [1, 'x'] } } } : { body: 'not json' }));
  try {
    const source = createPrometheusMetricsSource({ url: server.url, ...noSleep });
    await assert.rejects(source.query('"x"'), /string results are not supported/);
    await assert.rejects(source.query('up'), /not JSON/);
  } finally {
    await server.close();
  }
});
