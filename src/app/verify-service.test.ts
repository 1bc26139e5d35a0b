import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../core/errors.ts';
import type { MetricsAlert, QueryResult } from '../core/metrics.ts';
import type { MetricsSource } from '../core/ports.ts';
import { parseConfig } from '../config/parse-config.ts';
import type { AppContext } from './app-context.ts';
import { metricsEvidence, verifyExitCode, verifyNow } from './verify-service.ts';

const YAML = `clusters: [{ name: c, context: c }]
argocd: { url: https://127.0.0.1:1 }
prometheus: { url: http://127.0.0.1:9, scrapeInterval: 60s }
apps:
  - { name: catalog, cluster: c, namespace: shop, workload: { kind: Deployment, name: catalog } }
  - { name: inventory, cluster: c, namespace: shop, workload: { kind: Deployment, name: inventory }, verify: { requireMetrics: true } }
`;
const NOW = Date.parse('2026-05-20T14:40:00Z');

/** An AppContext over a scripted MetricsSource: the service's own logic is what is tested here. */
function context(source: MetricsSource | undefined): AppContext {
  const config = parseConfig(YAML, '/etc/rewind/rewind.yaml', { statMode: () => 0o100600 }).config;
  assert.ok(config);
  return {
    config,
    clock: { now: () => new Date(NOW), sleep: () => Promise.resolve() },
    app(name) {
      const e = config.apps.find((a) => a.name === name);
      assert.ok(e);
      return { name, workload: { cluster: 'c', namespace: 'shop', kind: 'Deployment', name: e.workload.name }, severity: 'P1', flags: [], ...(e.verify ? { verify: e.verify } : {}) };
    },
    gitops: () => Promise.reject(new Error('unused')),
    cluster: () => Promise.reject(new Error('unused')),
    repo: () => Promise.resolve(undefined),
    verification: () => Promise.reject(new Error('unused')),
    analyzer: () => Promise.resolve(undefined),
    journal: () => Promise.reject(new Error('unused')),
    metrics: () => Promise.resolve(source),
    close: () => Promise.resolve(),
  };
}

const vector = (v: number): QueryResult => ({ kind: 'vector', series: [{ labels: {}, sample: { t: NOW / 1000, v } }] });

test('evidence for plan: the firing alert with activeAt, the value now, and since when it fails', async () => {
  const minute = (m: number) => NOW / 1000 - (10 - m) * 60;
  const alerts: MetricsAlert[] = [
    { name: 'BookstoreCatalogP99Latency', labels: { alertname: 'BookstoreCatalogP99Latency' }, state: 'firing', activeAt: '2026-05-20T14:33:00Z', source: 'prometheus' },
  ];
  const source: MetricsSource = {
    query: () => Promise.resolve(vector(0.93)),
    // p99 fine until minute 4, then slow: the regression started at minute 5 (14:35).
    queryRange: () => Promise.resolve({ kind: 'matrix', series: [{ labels: {}, samples: [0.2, 0.21, 0.2, 0.3, 0.2, 0.8, 0.9, 0.92, 0.93, 0.9, 0.93].map((v, m) => ({ t: minute(m), v })) }] }),
    alerts: () => Promise.resolve(alerts),
  };
  const e = await metricsEvidence(context(source), 'catalog', { lookBackMinutes: 10 });
  assert.deepEqual(e, {
    store: 'http://127.0.0.1:9/',
    scrapeIntervalMs: 60_000,
    at: '2026-05-20T14:40:00.000Z',
    alert: { name: 'BookstoreCatalogP99Latency', activeAt: '2026-05-20T14:33:00Z', source: 'prometheus' },
    checks: [{ name: 'catalog-p99-latency', phase: 'Failed', values: [0.93], threshold: 'ok if result[0] < 0.5', failingSince: '2026-05-20T14:35:00.000Z' }],
    notes: [],
  });
});

test('evidence says what it could not read instead of failing the plan', async () => {
  const down = new AdapterError('prometheus', 'alerts', 'cannot reach http://127.0.0.1:9 (connection refused)', { transient: true });
  const source: MetricsSource = { query: () => Promise.reject(down), queryRange: () => Promise.reject(down), alerts: () => Promise.reject(down) };
  const e = await metricsEvidence(context(source), 'catalog');
  assert.equal(e.alert, undefined);
  assert.deepEqual(e.checks.map((c) => c.phase), ['Error']);
  assert.match(e.notes[0] ?? '', /alerts could not be read: .*connection refused/);
});

test('evidence: the last hour is asked beside the check, and its error is a note only for a failing check', async () => {
  let ranges = 0;
  let checked = false;
  const failing = (v: number): MetricsSource => ({
    // The store's clock (time()) is read first, then the check's own query.
    query: (q) => Promise.resolve(vector(v)).finally(() => (checked ||= q !== 'time()')),
    queryRange: () => {
      ranges++;
      // Asked at once, not after the instant check answered.
      assert.equal(checked, false, 'the range is asked before the check is known');
      return Promise.reject(new AdapterError('prometheus', 'query_range', 'HTTP 503', { transient: true }));
    },
    alerts: () => Promise.resolve([]),
  });
  const bad = await metricsEvidence(context(failing(0.93)), 'catalog');
  assert.deepEqual(bad.checks.map((c) => c.phase), ['Failed']);
  assert.deepEqual(bad.notes, ['catalog-p99-latency: the last 60 minutes could not be read: prometheus: query_range: HTTP 503']);
  checked = false;
  const good = await metricsEvidence(context(failing(0.2)), 'catalog');
  assert.deepEqual(good.checks.map((c) => c.phase), ['Successful']);
  assert.deepEqual(good.notes, [], 'a passing check has no use for the range, nor for its error');
  assert.equal(ranges, 2);
});

test('verify now: not checked without metrics (exit 0, or 4 under requireMetrics) and without Prometheus', async () => {
  const strict = await verifyNow(context({ query: () => Promise.resolve(vector(0)), queryRange: () => Promise.reject(new Error('x')), alerts: () => Promise.resolve([]) }), 'inventory');
  assert.deepEqual([strict.outcome, verifyExitCode(strict)], ['NotChecked', 4]);
  const noProm = await verifyNow(context(undefined), 'catalog');
  assert.deepEqual([noProm.outcome, verifyExitCode(noProm)], ['NotChecked', 0]);
  assert.match(noProm.reason, /no prometheus section/);
});
