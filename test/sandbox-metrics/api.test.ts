/**
 * The sandbox's Prometheus-compatible API over HTTPS, as a client sees it: auth, the query
 * endpoints' shapes and errors, series and label metadata, the seed alerts going pending →
 * firing after a bad deploy, and the files a real Prometheus would use.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo, waitFor } from '../sandbox/helpers.ts';
import { instantVector, promCall, type PromEndpoint, type PromSample } from './prom-http.ts';

let sb: SandboxProcess;
let api: PromEndpoint;

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  api = { url: sb.prometheusUrl, ca: sb.ca, token: sb.prometheusToken };
  // A minute of sandbox time scraped (3 s here), so [1m] windows and ranges have samples, and
  // 15 s more: the range test floors the API's now to a whole second, so its first step can
  // fall up to a second before the instant this wait saw (CI once missed that step).
  // 18 Pods of the Deployment apps (3 services x 2 regions x 3) and the catalog canary app's 5.
  await waitFor('a minute of samples', async () => (await instantVector(api, 'count(up offset 75s == 1)')).get('[]') === 23);
});
after(() => sb?.stop());

test('the API is on base+2, listed in state.json, and wants the bearer token', async () => {
  assert.equal(sb.state.ports.prometheus, sb.state.ports.kube + 2);
  assert.equal(sb.prometheusUrl, `https://127.0.0.1:${sb.state.ports.kube + 2}`);
  assert.equal((await promCall(api, 'GET', '/api/v1/query', { query: 'up' }, null)).status, 401);
  assert.equal((await promCall(api, 'GET', '/api/v1/query', { query: 'up' }, 'wrong')).status, 401);
  const info = await promCall(api, 'GET', '/api/v1/status/buildinfo');
  assert.equal(info.status, 200);
  assert.equal(info.json.data?.['version'], '2.42.0');
  const yaml = parse(await readFile(sb.configFile, 'utf8')) as { prometheus?: { url: string } };
  assert.equal(yaml.prometheus?.url, sb.prometheusUrl);
});

test('every ready Pod is scraped: 23 targets up, with pod, service, namespace and cluster labels', async () => {
  assert.equal((await instantVector(api, 'count(up == 1)')).get('[]'), 23);
  const r = await promCall(api, 'POST', '/api/v1/query', { query: 'sum by (cluster, service) (rate(http_requests_total[1m]))' });
  assert.equal(r.status, 200);
  assert.equal(r.json.data?.resultType, 'vector');
  const result = r.json.data.result as PromSample[];
  // Six Deployment apps and the canary app (service="catalog-canary", us-east).
  assert.equal(result.length, 7);
  for (const s of result) {
    assert.deepEqual(Object.keys(s.metric).sort(), ['cluster', 'service']);
    assert.equal(typeof s.value![0], 'number');
    assert.ok(Number(s.value![1]) > 100, `3 Pods at 100 requests/s: ${s.value![1]}`);
  }
  const series = await promCall(api, 'GET', '/api/v1/series', { 'match[]': ['http_requests_total{service="catalog",cluster="us-east"}'] });
  const first = (series.json.data as unknown as Record<string, string>[])[0]!;
  assert.deepEqual(Object.keys(first).sort(), ['__name__', 'cluster', 'code', 'instance', 'job', 'namespace', 'pod', 'service']);
});

test('scalar, string and range-vector results have the API\'s shapes', async () => {
  const scalar = await promCall(api, 'GET', '/api/v1/query', { query: '1 + 1', time: '1700000000.5' });
  assert.deepEqual(scalar.json.data, { resultType: 'scalar', result: [1700000000.5, '2'] });
  const str = await promCall(api, 'GET', '/api/v1/query', { query: '"hello"', time: '1700000000' });
  assert.deepEqual(str.json.data, { resultType: 'string', result: [1700000000, 'hello'] });
  const inf = await promCall(api, 'GET', '/api/v1/query', { query: 'vector(1/0) or vector(-1/0)', time: '1700000000' });
  assert.deepEqual((inf.json.data!.result as PromSample[]).map((s) => s.value![1]), ['+Inf']);
  const m = await promCall(api, 'GET', '/api/v1/query', { query: 'up{cluster="us-east"}[1m]' });
  assert.equal(m.json.data?.resultType, 'matrix');
  assert.ok((m.json.data.result as PromSample[])[0]!.values!.length >= 2);
  // Sandbox time runs 20× here: the range ends at the sandbox's now, as the API reports it.
  const end = Math.floor((await promCall(api, 'GET', '/api/v1/query', { query: 'time()' })).json.data!.result![0] as number);
  const range = await promCall(api, 'POST', '/api/v1/query_range', { query: 'count(up)', start: String(end - 60), end: String(end), step: '15s' });
  assert.equal(range.status, 200, range.text);
  const values = (range.json.data!.result as PromSample[])[0]!.values!;
  assert.deepEqual(values.map(([t]) => t), [end - 60, end - 45, end - 30, end - 15, end]);
});

test('errors: bad_data 400 for what cannot run, execution 422 for what fails while running', async () => {
  const cases: [string, Record<string, string>, number, string, RegExp][] = [
    ['/api/v1/query', { query: 'topk(3, up)' }, 400, 'bad_data', /unsupported.*topk/],
    ['/api/v1/query', { query: 'sum(up' }, 400, 'bad_data', /invalid parameter "query": .*parse error/],
    ['/api/v1/query', { query: 'up', time: 'yesterday' }, 400, 'bad_data', /invalid parameter "time": cannot parse "yesterday" to a valid timestamp/],
    ['/api/v1/query', { query: 'up + on(job) up' }, 422, 'execution', /duplicate series|multiple matches/],
    ['/api/v1/query_range', { query: 'up[1m]', start: '1', end: '2', step: '1' }, 400, 'bad_data', /invalid expression type "range vector" for range query/],
    ['/api/v1/query_range', { query: 'up', start: '1', end: '2', step: '0' }, 400, 'bad_data', /zero or negative query resolution step widths/],
    ['/api/v1/query_range', { query: 'up', start: '2', end: '1', step: '1' }, 400, 'bad_data', /end timestamp must not be before start time/],
    ['/api/v1/query_range', { query: 'up', start: '0', end: '20000', step: '1' }, 400, 'bad_data', /exceeded maximum resolution of 11,000 points/],
    ['/api/v1/series', {}, 400, 'bad_data', /no match\[\] parameter provided/],
    ['/api/v1/query_range', { query: 'up', start: '1', end: '100', step: '1', timeout: '0s' }, 503, 'timeout', /query timed out in expression evaluation/],
  ];
  for (const [path, params, status, type, message] of cases) {
    const r = await promCall(api, 'GET', path, params);
    assert.equal(r.status, status, `${path} ${JSON.stringify(params)}: ${r.text}`);
    assert.equal(r.json.status, 'error');
    assert.equal(r.json.errorType, type);
    assert.match(r.json.error ?? '', message);
  }
  assert.equal((await promCall(api, 'GET', '/api/v1/label/bad-name/values')).status, 400);
  assert.equal((await promCall(api, 'GET', '/api/v1/nothing')).status, 404);
  assert.equal((await promCall(api, 'POST', '/api/v1/alerts')).status, 405);
});

test('labels and label values', async () => {
  const labels = await promCall(api, 'GET', '/api/v1/labels');
  for (const l of ['__name__', 'cluster', 'code', 'le', 'pod', 'service']) assert.ok((labels.json.data as unknown as string[]).includes(l), l);
  const services = await promCall(api, 'GET', '/api/v1/label/service/values');
  // The catalog canary app (an Argo Rollout) exports under its own service label.
  assert.deepEqual(services.json.data, ['catalog', 'catalog-canary', 'orders', 'payments']);
  const names = await promCall(api, 'GET', '/api/v1/label/__name__/values', { 'match[]': 'up' });
  assert.deepEqual(names.json.data, ['up']);
});

test('the files for a real Prometheus: file_sd targets, the seed rules, and a config using both', async () => {
  const dir = `${sb.dir}/prometheus`;
  const targets = JSON.parse(await readFile(`${dir}/targets.json`, 'utf8')) as { targets: string[]; labels: { cluster: string } }[];
  assert.deepEqual(targets.map((g) => g.labels.cluster), ['eu-west', 'us-east']);
  // 3 services x 2 regions x 3 Pods, and the catalog canary app's 5 Pods in us-east.
  assert.equal(targets.flatMap((g) => g.targets).length, 23);
  const rules = parse(await readFile(`${dir}/rules.yml`, 'utf8')) as { groups: { rules: { alert: string; for: string }[] }[] };
  assert.deepEqual(rules.groups[0]!.rules.map((r) => [r.alert, r.for]), [
    ['BookstoreCatalogP99Latency', '1m'],
    ['BookstorePaymentsErrorRate', '1m'],
    ['BookstoreOrders5xxRate', '1m'],
  ]);
  const config = parse(await readFile(`${dir}/prometheus.yml`, 'utf8')) as { rule_files: string[]; scrape_configs: { file_sd_configs: { files: string[] }[] }[] };
  assert.deepEqual(config.rule_files, ['rules.yml']);
  assert.deepEqual(config.scrape_configs[0]!.file_sd_configs[0]!.files, ['targets.json']);
});

test('a bad catalog deploy: the p99 alert goes pending, then fires a minute of sandbox time later', async () => {
  const rules = await promCall(api, 'GET', '/api/v1/rules');
  const group = rules.json.data!.groups![0]!;
  assert.deepEqual(group.rules.map((r) => [r.name, r.state, r.health, r.duration]), [
    ['BookstoreCatalogP99Latency', 'inactive', 'ok', 60],
    ['BookstorePaymentsErrorRate', 'inactive', 'ok', 60],
    ['BookstoreOrders5xxRate', 'inactive', 'ok', 60],
  ]);
  const r = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: 'bookstore-catalog-us-east' });
  assert.equal(r.status, 200);
  const alerts = async () => (await promCall(api, 'GET', '/api/v1/alerts')).json.data?.alerts ?? [];
  const pending = await waitFor('the p99 alert to go pending', async () => (await alerts()).find((a) => a.state === 'pending'), 30_000);
  assert.equal(pending.labels['alertname'], 'BookstoreCatalogP99Latency');
  assert.equal(pending.labels['cluster'], 'us-east');
  assert.equal(pending.labels['severity'], 'page');
  assert.ok(Number(pending.value) > 0.5, pending.value);
  const firing = await waitFor('the p99 alert to fire', async () => (await alerts()).find((a) => a.state === 'firing'), 30_000);
  assert.equal(firing.activeAt, pending.activeAt);
  const ruleState = (await promCall(api, 'GET', '/api/v1/rules')).json.data!.groups![0]!.rules[0]!;
  assert.equal(ruleState.state, 'firing');
  // The seed's own check sees it too, once enough of its [5m] window is the bad digest's.
  const seedCheck = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog",cluster="us-east"}[5m])))';
  await waitFor('the seed check above 0.5 s', async () => (await instantVector(api, seedCheck)).get('[]')! > 0.5, 30_000);
});
