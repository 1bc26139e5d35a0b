import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrometheusMetricsSource } from '../../src/adapters/prometheus/index.ts';
import { runMetricsSourceSuite } from '../../src/testing/metrics-source-suite.ts';
import { CATALOG_P99_ALERT, catalogP99, prometheusBinaries, startRealPrometheus, type RealPrometheus } from '../../src/testing/real-prometheus.ts';

// Debian's prometheus and prometheus-alertmanager, installed by .ci/run, which exports their
// paths. Locally without them the suite is skipped with the reason; in CI it fails.
const bins = prometheusBinaries();

if (bins.missing !== undefined || bins.prometheus === undefined) {
  test('prometheus integration: needs the real binaries', { skip: process.env['CI'] ? false : bins.missing ?? 'missing' }, () => {
    assert.fail(`CI=true but ${bins.missing ?? 'the binaries are missing'}`);
  });
} else {
  const prometheusBin = bins.prometheus;
  let prom: RealPrometheus;
  before(async () => {
    prom = await startRealPrometheus({ prometheusBin, ...(bins.alertmanager ? { alertmanagerBin: bins.alertmanager } : {}) });
    // The catalog turns slow, so the seed's alert fires (pending for 2s, then firing).
    prom.exporter.set('catalog', { latencySeconds: 0.8 });
    await prom.waitFor('http_requests_total{service="catalog"}');
  });
  after(async () => {
    await prom.stop();
  });

  runMetricsSourceSuite({
    name: 'prometheus adapter against a real Prometheus',
    create: () => createPrometheusMetricsSource({ url: prom.url }),
    series: { query: 'http_requests_total{service="catalog"}', label: ['service', 'catalog'] },
    firingAlert: CATALOG_P99_ALERT,
  });

  runMetricsSourceSuite({
    name: 'prometheus adapter with alerts from a real Alertmanager',
    create: () => createPrometheusMetricsSource({ url: prom.url, ...(prom.alertmanagerUrl ? { alertmanagerUrl: prom.alertmanagerUrl } : {}) }),
    series: { query: 'http_requests_total{service="catalog"}', label: ['service', 'catalog'] },
    firingAlert: CATALOG_P99_ALERT,
  });

  test('the seed p99 query over real scrapes: above 0.5 s while the catalog is slow', async () => {
    const source = createPrometheusMetricsSource({ url: prom.url });
    await prom.waitFor(`${catalogP99()} > 0.5`);
    const r = await source.query(catalogP99());
    assert.ok(r.kind === 'vector' && (r.series[0]?.sample.v ?? 0) > 0.5 && (r.series[0]?.sample.v ?? 0) <= 1, JSON.stringify(r));
  });

  test('a long query goes by POST and Prometheus answers it the same', async () => {
    const long = `${catalogP99()} + 0 * (${Array.from({ length: 60 }, () => 'vector(1)').join(' + ')})`;
    assert.ok(long.length > 700);
    const viaPost = createPrometheusMetricsSource({ url: prom.url, postAbove: 100 });
    const r = await viaPost.query(long);
    assert.equal(r.kind, 'vector');
  });
}
