/**
 * The contract every `MetricsSource` keeps, run against each server that speaks the Prometheus
 * API (Debian's real Prometheus in CI, the sandbox's Prometheus-compatible API, a team's Thanos),
 * in the way of Hono's `runTest({ newRouter })`. It uses only what the sandbox's PromQL subset
 * evaluates (selectors, `vector`, `time`, arithmetic), so one suite judges both.
 *
 * ### Examples
 * ```ts
 * runMetricsSourceSuite({
 *   name: 'prometheus adapter against Debian\'s prometheus',
 *   create: () => createPrometheusMetricsSource({ url: prom.url }),
 *   series: { query: 'http_requests_total{service="catalog"}', label: ['service', 'catalog'] },
 *   firingAlert: 'BookstoreCatalogP99Latency',
 * });
 * ```
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../core/errors.ts';
import type { MetricsAlert } from '../core/metrics.ts';
import type { MetricsSource } from '../core/ports.ts';

export interface MetricsSourceSuiteOptions {
  readonly name: string;
  /** Called in each test, after the file's `before` hooks (so servers can start there). */
  readonly create: () => MetricsSource | Promise<MetricsSource>;
  /** A selector that matches scraped series, and a label every match carries. */
  readonly series: { readonly query: string; readonly label: readonly [string, string] };
  /** An alert the server's rules make fire; checked when given. */
  readonly firingAlert?: string;
  /** How long to wait for the alert to fire (real ms; default 60 s). */
  readonly alertTimeoutMs?: number;
}

async function eventually<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) assert.fail(`${what} within ${timeoutMs} ms`);
    // Waiting on a condition the server reaches by itself (rule evaluation), not timing it.
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The server's now, in seconds: `time()` evaluated without a time. A server's clock may differ
 * from this machine's (skew; the sandbox's runs at its --speed): "recent" is judged by it.
 */
async function serverNow(source: MetricsSource): Promise<number> {
  const r = await source.query('time()');
  assert.equal(r.kind, 'scalar', 'time() is a scalar');
  return r.kind === 'scalar' ? r.sample.v : Number.NaN;
}

export function runMetricsSourceSuite(o: MetricsSourceSuiteOptions): void {
  test(`${o.name}: an instant query returns the scraped series with their labels and a recent time`, async () => {
    const source = await o.create();
    const now = await serverNow(source);
    assert.ok(Number.isFinite(now), 'the server says its time');
    const r = await source.query(o.series.query);
    assert.equal(r.kind, 'vector');
    if (r.kind !== 'vector') return;
    assert.ok(r.series.length > 0, 'at least one series');
    const [key, value] = o.series.label;
    for (const s of r.series) {
      assert.equal(s.labels[key], value);
      assert.ok(Number.isFinite(s.sample.v), 'a scraped counter is a number');
      assert.ok(Math.abs(s.sample.t - now) < 60, `evaluated at the server's now (${s.sample.t} vs ${now})`);
    }
  });

  test(`${o.name}: nothing matched is an empty vector, not an error and not a zero`, async () => {
    const source = await o.create();
    const r = await source.query('http_requests_total{service="no-such-service-rewind"}');
    assert.deepEqual(r, { kind: 'vector', series: [] });
  });

  test(`${o.name}: NaN and infinities stay what they are`, async () => {
    const source = await o.create();
    const r = await source.query('vector(0) / 0');
    assert.ok(r.kind === 'vector' && r.series.length === 1 && Number.isNaN(r.series[0]?.sample.v), JSON.stringify(r));
    const inf = await source.query('vector(1) / 0');
    assert.ok(inf.kind === 'vector' && inf.series[0]?.sample.v === Number.POSITIVE_INFINITY);
  });

  test(`${o.name}: a scalar expression is a scalar; time pins the evaluation`, async () => {
    const source = await o.create();
    assert.deepEqual((await source.query('1 + 1')).kind, 'scalar');
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000);
    const r = await source.query('time()', { time: at });
    assert.ok(r.kind === 'scalar', r.kind);
    assert.equal(r.sample.v, at.getTime() / 1000);
    assert.equal(r.sample.t, at.getTime() / 1000);
  });

  test(`${o.name}: a range query is a matrix with one sample per step`, async () => {
    const source = await o.create();
    const end = new Date(Math.floor(Date.now() / 1000) * 1000);
    const start = new Date(end.getTime() - 60_000);
    const r = await source.queryRange('vector(1)', { start, end, stepSeconds: 15 });
    assert.equal(r.series.length, 1);
    assert.deepEqual(r.series[0]?.samples.map((s) => s.t), [0, 15, 30, 45, 60].map((d) => start.getTime() / 1000 + d));
    assert.ok(r.series[0]?.samples.every((s) => s.v === 1));
    const none = await source.queryRange('http_requests_total{service="no-such-service-rewind"}', { start, end, stepSeconds: 15 });
    assert.deepEqual(none, { kind: 'matrix', series: [] });
  });

  test(`${o.name}: bad PromQL is a 400 AdapterError that is not retried as transient`, async () => {
    const source = await o.create();
    await assert.rejects(source.query('sum(rate(http_requests_total[1m])'), (e: unknown) => {
      assert.ok(e instanceof AdapterError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.transient, false);
      return true;
    });
  });

  if (o.firingAlert !== undefined) {
    const alertName = o.firingAlert;
    test(`${o.name}: the firing alert is reported with when it became active`, async () => {
      const source = await o.create();
      const alert = await eventually<MetricsAlert>(
        `${alertName} firing`,
        async () => (await source.alerts()).find((a) => a.name === alertName && a.state === 'firing'),
        o.alertTimeoutMs ?? 60_000,
      );
      assert.ok(alert.activeAt !== undefined, 'activeAt');
      const active = Date.parse(alert.activeAt);
      const now = (await serverNow(source)) * 1000;
      assert.ok(active <= now && active > now - 600_000, `${alert.activeAt} within the server's last 10 minutes`);
      assert.equal(alert.labels['alertname'], alertName);
    });
  }
}
