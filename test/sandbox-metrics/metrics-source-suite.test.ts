/**
 * The `MetricsSource` contract (src/testing/metrics-source-suite.ts) against the sandbox's
 * Prometheus-compatible API, through the very adapter and options rewind.yaml gives it (bearer
 * token, the sandbox's CA): the same suite test/integration/prometheus.test.ts runs against
 * Debian's real Prometheus, so the two servers are held to one contract.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrometheusMetricsSource } from '../../src/adapters/prometheus/index.ts';
import { runMetricsSourceSuite } from '../../src/testing/metrics-source-suite.ts';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo, waitFor } from '../sandbox/helpers.ts';
import { instantVector } from './prom-http.ts';

let sb: SandboxProcess;

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  const api = { url: sb.prometheusUrl, ca: sb.ca, token: sb.prometheusToken };
  await waitFor('the catalog scraped', async () => ((await instantVector(api, 'count(http_requests_total{service="catalog"})')).get('[]') ?? 0) > 0);
  // The seed incident, so the catalog's p99 alert goes pending, then firing, on its own.
  const b = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: 'bookstore-catalog-us-east' });
  assert.equal(b.status, 200, JSON.stringify(b.body));
});
after(() => sb?.stop());

runMetricsSourceSuite({
  name: "prometheus adapter against the sandbox's API",
  create: () => createPrometheusMetricsSource({ url: sb.prometheusUrl, auth: { bearer: sb.prometheusToken }, ca: sb.ca }),
  series: { query: 'http_requests_total{service="catalog"}', label: ['service', 'catalog'] },
  firingAlert: 'BookstoreCatalogP99Latency',
});
