/**
 * A real Prometheus (and optionally Alertmanager) for integration tests: Debian's binaries,
 * started on free loopback ports, scraping a small prom-client exporter this process serves
 * with synthetic Bookstore traffic whose latency and error ratio a test sets.
 *
 * The binaries come from env vars (`REWIND_TEST_PROMETHEUS_BIN`, `REWIND_TEST_ALERTMANAGER_BIN`,
 * exported by .ci/run); `prometheusBinaries()` says whether a test must fail (CI) or may skip.
 *
 * ### Examples
 * ```ts
 * const prom = await startRealPrometheus({ prometheusBin: '/usr/bin/prometheus' });
 * prom.exporter.set('catalog', { latencySeconds: 0.8 });
 * await prom.stop();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';

export interface PrometheusBinaries {
  readonly prometheus?: string;
  readonly alertmanager?: string;
  /** Why the suites cannot run; undefined when they can. */
  readonly missing?: string;
}

export function prometheusBinaries(env: NodeJS.ProcessEnv = process.env): PrometheusBinaries {
  const prometheus = env['REWIND_TEST_PROMETHEUS_BIN'];
  const alertmanager = env['REWIND_TEST_ALERTMANAGER_BIN'];
  const missing = !prometheus
    ? 'REWIND_TEST_PROMETHEUS_BIN is not set (apt-get install prometheus; export REWIND_TEST_PROMETHEUS_BIN=/usr/bin/prometheus)'
    : !alertmanager
      ? 'REWIND_TEST_ALERTMANAGER_BIN is not set (apt-get install prometheus-alertmanager; export REWIND_TEST_ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager)'
      : undefined;
  return { ...(prometheus ? { prometheus } : {}), ...(alertmanager ? { alertmanager } : {}), ...(missing ? { missing } : {}) };
}

export interface ServiceBehaviour {
  /** Every request takes this long. */
  readonly latencySeconds: number;
  /** Share of requests answered 500. */
  readonly errorRatio: number;
}

export interface TestExporter {
  readonly url: string;
  set(service: string, behaviour: Partial<ServiceBehaviour>): void;
}

export interface RealPrometheus {
  readonly url: string;
  readonly alertmanagerUrl: string | undefined;
  readonly exporter: TestExporter;
  /** Resolves once `query` returns at least one series (scrapes and rule evaluations happened). */
  waitFor(query: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const CATALOG_P99_ALERT = 'BookstoreCatalogP99Latency';
/** The seed's p99 query with a window short enough for a test. */
export const catalogP99 = (window = '10s') => `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[${window}])))`;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startExporter(services: readonly string[]): Promise<TestExporter & { close(): Promise<void> }> {
  const registry = new Registry();
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Request latency.', labelNames: ['service'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] });
  const total = new Counter({ name: 'http_requests_total', help: 'Requests.', labelNames: ['service', 'code'], registers: [registry] });
  const behaviour = new Map<string, ServiceBehaviour>(services.map((s) => [s, { latencySeconds: 0.02, errorRatio: 0 }]));
  // Synthetic traffic: 20 requests per tick per service, errors spread evenly by the ratio.
  let tick = 0;
  const traffic = setInterval(() => {
    tick++;
    for (const [service, b] of behaviour) {
      for (let i = 0; i < 20; i++) {
        duration.observe({ service }, b.latencySeconds);
        const failed = Math.floor((tick * 20 + i + 1) * b.errorRatio) > Math.floor((tick * 20 + i) * b.errorRatio);
        total.inc({ service, code: failed ? '500' : '200' });
      }
    }
  }, 50);
  traffic.unref();
  const server = http.createServer((req, res) => {
    void registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set(service, b) {
      behaviour.set(service, { ...(behaviour.get(service) ?? { latencySeconds: 0.02, errorRatio: 0 }), ...b });
    },
    async close() {
      clearInterval(traffic);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function spawnLogged(bin: string, args: string[], log: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what} within ${timeoutMs} ms\n${log().slice(-3000)}`);
    // Polling a condition, not timing the test: the real servers scrape on their own clocks.
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A Prometheus started on a config a test wrote (e.g. the sandbox's own prometheus.yml). */
export interface ConfiguredPrometheus {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's `prometheus` on a free loopback port with `configFile`, its TSDB in a new temp folder
 * (removed by `stop()`) or in `dataDir` (kept), ready when `/-/ready` answers. Killed when the test
 * process exits, should `stop()` not run.
 */
export async function startConfiguredPrometheus(
  binary: string,
  configFile: string,
  opts: { dataDir?: string; retention?: string; args?: readonly string[]; log?: string[] } = {},
): Promise<ConfiguredPrometheus> {
  const data = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'rewind-prom-')));
  const port = await freePort();
  const log = opts.log ?? [];
  const child = spawnLogged(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.retention.time=${opts.retention ?? '1h'}`, '--log.level=warn', ...(opts.args ?? [])],
    log,
  );
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    if (!opts.dataDir) await rm(data, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('Prometheus was not ready', async () => (await fetch(`${url}/-/ready`)).ok, 30_000, () => log.join(''));
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, output: () => log.join(''), stop };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

export async function startRealPrometheus(opts: { prometheusBin: string; alertmanagerBin?: string; services?: readonly string[] }): Promise<RealPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-prom-'));
  const exporter = await startExporter(opts.services ?? ['catalog', 'payments', 'orders']);
  const log: string[] = [];
  const children: ChildProcess[] = [];
  let alertmanagerUrl: string | undefined;
  let prometheus: ConfiguredPrometheus | undefined;
  const stop = async () => {
    await prometheus?.stop();
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      }
    }
    await exporter.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (opts.alertmanagerBin) {
      const amPort = await freePort();
      await writeFile(join(dir, 'alertmanager.yml'), 'route: { receiver: none, group_wait: 0s }\nreceivers: [{ name: none }]\n');
      children.push(
        spawnLogged(opts.alertmanagerBin, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], log),
      );
      alertmanagerUrl = `http://127.0.0.1:${amPort}`;
      const am = alertmanagerUrl;
      await waitUntil('Alertmanager was not ready', async () => (await fetch(`${am}/-/ready`)).ok, 30_000, () => log.join(''));
    }
    await writeFile(
      join(dir, 'rules.yml'),
      [
        'groups:',
        '  - name: bookstore',
        '    interval: 1s',
        '    rules:',
        `      - alert: ${CATALOG_P99_ALERT}`,
        `        expr: '${catalogP99()} > 0.5'`,
        '        for: 2s',
        '        labels: { severity: page, service: catalog }',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${join(dir, 'rules.yml')}']`,
        ...(alertmanagerUrl ? ['alerting:', '  alertmanagers:', `    - static_configs: [{ targets: ['${alertmanagerUrl.replace('http://', '')}'] }]`] : []),
        'scrape_configs:',
        '  - job_name: bookstore',
        // The cluster label, as kube-prometheus-stack's external labels set it: the seed defaults select the app's cluster.
        `    static_configs: [{ targets: ['${exporter.url.replace('http://', '')}'], labels: { cluster: c } }]`,
        '',
      ].join('\n'),
    );
    prometheus = await startConfiguredPrometheus(opts.prometheusBin, join(dir, 'prometheus.yml'), { dataDir: join(dir, 'data'), args: ['--rules.alert.resend-delay=1s'], log });
    const url = prometheus.url;
    return {
      url,
      alertmanagerUrl,
      exporter,
      async waitFor(query, timeoutMs = 30_000) {
        await waitUntil(
          `no series for ${query}`,
          async () => {
            const body = (await getJson(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)) as { data?: { result?: unknown[] } };
            return (body.data?.result?.length ?? 0) > 0;
          },
          timeoutMs,
          () => log.join(''),
        );
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
