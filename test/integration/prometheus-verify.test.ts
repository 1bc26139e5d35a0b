import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogP99, prometheusBinaries, startRealPrometheus, type RealPrometheus } from '../../src/testing/real-prometheus.ts';
import { runCliInProcess } from '../../src/testing/cli-in-process.ts';
import { rewind } from '../e2e/cli.ts';

// `rewind verify` end to end: the real CLI, the real Prometheus adapter, Debian's real Prometheus
// scraping a prom-client exporter. Skipped locally without the binaries; a failure in CI.
const bins = prometheusBinaries();

const app = (name: string, workload: string, verify = '') =>
  `  - name: ${name}\n    cluster: c\n    namespace: shop\n    workload: { kind: Deployment, name: ${workload} }\n${verify}`;

function rewindYaml(promUrl: string): string {
  return [
    'clusters: [{ name: c, context: c }]',
    'argocd: { url: https://127.0.0.1:1 }',
    `prometheus: { url: ${promUrl}, scrapeInterval: 1s, timeout: 5s }`,
    'apps:',
    app('catalog', 'catalog', [
      '    verify:',
      '      metrics:',
      '        - name: p99',
      `          query: '${catalogP99('10s')}'`,
      '          successCondition: result[0] < 0.5',
      '          interval: 1s',
      '          consecutiveSuccessLimit: 2',
      '',
    ].join('\n')),
    app('payments', 'payments'),
    app('inventory', 'inventory'),
    app('inventory-strict', 'inventory', '    verify: { requireMetrics: true }\n'),
    app('nothing', 'nothing', "    verify:\n      metrics:\n        - { name: ghost, query: 'http_requests_total{service=\"nope\"}', successCondition: 'result[0] >= 0' }\n"),
    '',
  ].join('\n');
}

if (bins.missing !== undefined || bins.prometheus === undefined) {
  test('rewind verify against Prometheus: needs the real binaries', { skip: process.env['CI'] ? false : bins.missing ?? 'missing' }, () => {
    assert.fail(`CI=true but ${bins.missing ?? 'the binaries are missing'}`);
  });
} else {
  const prometheusBin = bins.prometheus;
  let prom: RealPrometheus;
  let dir: string;
  let config: string;
  const verify = (...args: string[]) => rewind(['verify', ...args, '--config', config], { timeoutMs: 120_000 });
  const json = (stdout: string) => JSON.parse(stdout) as { outcome: string; origin: string; reason: string; checks: { name: string; values: (number | string)[]; phase: string }[] };

  before(async () => {
    prom = await startRealPrometheus({ prometheusBin });
    dir = await mkdtemp(join(tmpdir(), 'rewind-verify-'));
    config = join(dir, 'rewind.yaml');
    await writeFile(config, rewindYaml(prom.url));
    prom.exporter.set('catalog', { latencySeconds: 0.8 });
    await prom.waitFor(`${catalogP99('10s')} > 0.5`);
    await prom.waitFor('sum(rate(http_requests_total{service="payments"}[5m])) > 0');
  });
  after(async () => {
    await prom.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a slow catalog fails its check with the number (exit 4)', async () => {
    const r = await verify('catalog', '-o', 'json');
    assert.equal(r.code, 4, r.stderr);
    const doc = json(r.stdout);
    assert.equal(doc.outcome, 'Failed');
    assert.equal(doc.origin, 'config');
    const v = doc.checks[0]?.values[0];
    assert.ok(typeof v === 'number' && v > 0.5, r.stdout);
    const text = await verify('catalog');
    assert.match(text.stdout, /p99\s+0\.\d+\s+ok if result\[0\] < 0\.5\s+Failed/);
  });

  test('on a TTY: the table has a sparkline of the last minutes', async () => {
    const r = await runCliInProcess(['verify', 'catalog', '--config', config], { stdoutIsTTY: true });
    assert.equal(r.code, 4, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.startsWith('p99 '));
    assert.match(r.stdout, /LAST 15m/);
    assert.match(row ?? '', /Failed\s+[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]$/u, r.stdout);
  });

  test('the seed default for payments: error ratio 0 (no error series at all) is a pass, not "no data"', async () => {
    const r = await verify('payments', '-o', 'json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = json(r.stdout);
    assert.equal(doc.origin, 'seed-default');
    assert.deepEqual(doc.checks.map((c) => [c.name, c.values, c.phase]), [['payments-error-ratio', [0], 'Successful']]);
  });

  test('a query that returns nothing is Inconclusive (exit 4), never a pass', async () => {
    const r = await verify('nothing', '-o', 'json');
    assert.equal(r.code, 4);
    assert.match(json(r.stdout).reason, /ghost: the query returned no data/);
  });

  test('no metrics and no default: not checked, exit 0; with requireMetrics, exit 4', async () => {
    const r = await verify('inventory');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /not checked: metrics were not checked/);
    const strict = await verify('inventory-strict');
    assert.equal(strict.code, 4);
    assert.match(strict.stdout, /requireMetrics is set/);
  });

  test('Prometheus down: exit 3, naming what could not be reached', async () => {
    const downConfig = join(dir, 'down.yaml');
    await writeFile(downConfig, rewindYaml('http://127.0.0.1:9'));
    const r = await rewind(['verify', 'catalog', '-o', 'json', '--config', downConfig]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(json(r.stdout).reason, /connection refused/);
  });

  test('--watch: the catalog recovers, old samples age out of the window, 2 successes in a row (exit 0)', async () => {
    prom.exporter.set('catalog', { latencySeconds: 0.02 });
    const r = await verify('catalog', '--watch', '--timeout', '90s');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}p99/.test(l));
    assert.ok(lines.length >= 2, r.stdout);
    assert.deepEqual(lines.slice(-2).map((l) => /Successful/.test(l)), [true, true]);
    assert.match(r.stdout, /Outcome: {5}Successful/);
  });
}
