import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './parse-config.ts';

const FILE = '/etc/rewind/rewind.yaml';
const BASE = `clusters: [{ name: us-east, context: us-east }]
argocd: { url: https://argocd.example.com }
prometheus:
  url: https://mimir.example.com/prometheus
  tokenEnv: PROM_TOKEN
  headers: { X-Scope-OrgID: bookstore }
  alertmanagerUrl: https://alertmanager.example.com
  scrapeInterval: 30s
apps:
  - name: bookstore-catalog-us-east
    cluster: us-east
    namespace: shop
    workload: { kind: Deployment, name: catalog }
    verify:
      deadline: 10m
      requireMetrics: true
      metrics:
        - name: p99
          query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))
          successCondition: result[0] < 0.5
          interval: 20s
`;
const parse = (text: string, statMode?: (p: string) => number | undefined) => parseConfig(text, FILE, statMode ? { statMode } : {});

describe('verify and prometheus in rewind.yaml', () => {
  it('normalizes AnalysisTemplate fields with rewind’s recovery defaults, and the prometheus section', () => {
    const r = parse(BASE);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.prometheus, {
      url: 'https://mimir.example.com/prometheus',
      auth: { token: { env: 'PROM_TOKEN' } },
      insecure: false,
      headers: { 'X-Scope-OrgID': 'bookstore' },
      alertmanagerUrl: 'https://alertmanager.example.com',
      timeoutMs: 10_000,
      scrapeIntervalMs: 30_000,
    });
    assert.deepEqual(r.config?.apps[0]?.verify, {
      metrics: [{
        name: 'p99',
        query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))',
        successCondition: 'result[0] < 0.5',
        intervalMs: 20_000,
        consecutiveSuccessLimit: 3,
        failureLimit: -1,
        inconclusiveLimit: -1,
        consecutiveErrorLimit: 4,
      }],
      deadlineMs: 600_000,
      requireMetrics: true,
      allowUnresolvedTags: false,
      origin: 'config',
    });
  });

  it('basic auth with a password file; the file must be private', () => {
    const text = BASE.replace('  tokenEnv: PROM_TOKEN\n', '  basicAuth: { username: rewind, passwordFile: ./prom-pass }\n');
    assert.deepEqual(parse(text, () => 0o100600).config?.prometheus?.auth, { basic: { username: 'rewind', password: { file: '/etc/rewind/prom-pass' } } });
    const loose = parse(text, () => 0o100644);
    assert.match(loose.errors[0]?.message ?? '', /passwordFile \/etc\/rewind\/prom-pass is mode 0644/);
  });

  it('a broken PromQL query or condition is an error at its line', () => {
    const r = parse(BASE.replace('[5m])))', '[5m]))').replace('result[0] < 0.5', 'result[0] <'));
    assert.deepEqual(r.errors.map((e) => [e.where, e.path]), [
      [`${FILE}:19:18`, 'apps[0].verify.metrics[0].query'],
      [`${FILE}:20:29`, 'apps[0].verify.metrics[0].successCondition'],
    ]);
    assert.match(r.errors[0]?.message ?? '', /query of metric "p99" does not parse: unexpected end of the query/);
    assert.match(r.errors[1]?.message ?? '', /successCondition "result\[0\] <": the condition ended early \(column 12\)/);
  });

  it('a metric with neither condition is refused (upstream would pass it silently)', () => {
    const r = parse(BASE.replace('          successCondition: result[0] < 0.5\n', ''));
    assert.equal(r.config, undefined);
    assert.equal(r.errors[0]?.path, 'apps[0].verify.metrics[0]');
    assert.match(r.errors[0]?.message ?? '', /neither successCondition nor failureCondition/);
  });

  it('bad durations, limits and duplicate names are errors', () => {
    const limit = parse(BASE.replace('interval: 20s', 'interval: 20s\n          failureLimit: -2'));
    assert.deepEqual(limit.errors.map((e) => [e.path, e.message]), [['apps[0].verify.metrics[0].failureLimit', 'failureLimit must be at least -1']]);
    const r = parse(BASE.replace('interval: 20s', 'interval: 20 seconds\n        - name: p99\n          query: up\n          failureCondition: result[0] == 0'));
    assert.deepEqual(r.errors.map((e) => e.path).sort(), ['apps[0].verify.metrics[0].interval', 'apps[0].verify.metrics[1].name']);
    assert.ok(r.errors.some((e) => /"20 seconds" is not a duration/.test(e.message)));
  });

  it('metrics without a prometheus section, two kinds of auth, an inline password: errors', () => {
    const noProm = parse(BASE.replace(/prometheus:\n( {2}.*\n)+/, ''));
    assert.match(noProm.errors[0]?.message ?? '', /declares verify.metrics but rewind.yaml has no prometheus section/);
    const both = parse(BASE.replace('  tokenEnv: PROM_TOKEN\n', '  tokenEnv: PROM_TOKEN\n  basicAuth: { username: u, passwordEnv: P }\n'));
    assert.match(both.errors[0]?.message ?? '', /bearer token \(tokenEnv\/tokenFile\) or basicAuth, not both/);
    const inline = parse(BASE.replace('  tokenEnv: PROM_TOKEN\n', '  basicAuth: { username: u, password: hunter2 }\n'));
    assert.ok(inline.errors.some((e) => /inline secret "password"/.test(e.message)));
    assert.ok(!JSON.stringify(inline.errors).includes('hunter2'));
    const inUrl = parse(BASE.replace('url: https://mimir.example.com/prometheus', 'url: https://u:hunter2@mimir.example.com/prometheus'));
    assert.match(inUrl.errors[0]?.message ?? '', /credentials in a URL are an inline secret/);
    assert.ok(!JSON.stringify(inUrl.errors).includes('hunter2'));
  });

  it('an app without verify gets none here (the seed default is the core’s choice)', () => {
    const r = parse(BASE.replace(/ {4}verify:\n( {6}.*\n| {8}.*\n| {10}.*\n)+/, ''));
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.apps[0]?.verify, undefined);
  });
});
