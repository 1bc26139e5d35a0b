/**
 * The sandbox's PromQL against a real Prometheus on the same data: 1 h of 15 s scrapes from 50
 * catalog Pods (10 of them on the bad digest), loaded into the sandbox's store and, through
 * `promtool tsdb create-blocks-from openmetrics`, into Debian's Prometheus; then the seed's p99
 * query (instant, and as a 1 h range at 15 s steps) over both HTTP APIs. Also the sandbox's idle
 * CPU at speed 1 and 20. Needs REWIND_TEST_PROMETHEUS_BIN (promtool is taken from the same folder).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startPromApi } from '../src/sandbox/metrics/api-server.ts';
import { parseExposition } from '../src/sandbox/metrics/exposition.ts';
import { PodTraffic } from '../src/sandbox/metrics/pod-traffic.ts';
import { Tsdb, labelsKey } from '../src/sandbox/metrics/tsdb.ts';
import type { TrafficProfile } from '../src/sandbox/metrics/profiles.ts';
import { generateSandboxTls } from '../src/sandbox/tls.ts';
import { startSandboxProcess } from '../src/testing/sandbox-process.ts';
import { promCall, type PromEndpoint } from '../test/sandbox-metrics/prom-http.ts';
import { prometheusBinaries, startConfiguredPrometheus } from '../src/testing/real-prometheus.ts';

const exec = promisify(execFile);
const PODS = 50;
const HOUR_MS = 3600_000;
const STEP_MS = 15_000;
const QUERY = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))';

/** Fewer requests than the sandbox's Pods (10/s): the bench measures queries, not the generator. */
const good: TrafficProfile = { rps: 10, latency: [{ share: 0.9, min: 0.012, max: 0.08 }, { share: 0.1, min: 0.08, max: 0.24 }], codes: [{ code: '500', share: 0.001 }] };
const bad: TrafficProfile = { ...good, latency: [{ share: 0.97, min: 0.05, max: 0.45 }, { share: 0.03, min: 1.1, max: 2 }] };

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(n / 2)]! * 100) / 100;
}

async function idleCpu(speed: number): Promise<number> {
  const sb = await startSandboxProcess({ ...(speed === 1 ? { wallClock: true } : { speed }), timeoutMs: 90_000 });
  try {
    const ticks = (): number => {
      const f = readFileSync(`/proc/${sb.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(f[11]) + Number(f[12]);
    };
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = ticks();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    // USER_HZ is 100 on Linux: ticks are 10 ms.
    return Math.round(((ticks() - t0) * 10 * 1000) / (performance.now() - w0)) / 10;
  } finally {
    await sb.stop();
  }
}

export async function benchMetrics(): Promise<Record<string, unknown>> {
  const binary = prometheusBinaries().prometheus;
  if (!binary) {
    console.log('metrics: skipped; set REWIND_TEST_PROMETHEUS_BIN=/usr/bin/prometheus');
    return { skipped: 'REWIND_TEST_PROMETHEUS_BIN not set' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-metrics-'));
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 60_000;
  const start = end - HOUR_MS;
  const db = new Tsdb(2 * HOUR_MS);
  const series = new Map<string, { labels: Record<string, string>; lines: string[] }>();
  let t = performance.now();
  const pods = Array.from({ length: PODS }, (_, i) => ({
    traffic: new PodTraffic({ service: 'catalog', namespace: 'bookstore-platform-acme-books', pod: `catalog-${i}` }, i < 10 ? bad : good, start - 30_000),
    target: { job: 'bookstore', instance: `127.0.0.1:${20000 + i}`, cluster: i % 2 ? 'eu-west' : 'us-east' },
  }));
  for (let at = start; at <= end; at += STEP_MS) {
    for (const p of pods) {
      for (const s of parseExposition(await p.traffic.exposition(at))) {
        const labels: Record<string, string> = { ...s.labels, ...p.target };
        db.append(labels, at, s.value);
        const key = labelsKey(labels);
        let e = series.get(key);
        if (!e) series.set(key, (e = { labels, lines: [] }));
        const { __name__: name, ...rest } = labels;
        const text = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(',');
        e.lines.push(`${name}{${text}} ${s.value} ${(at / 1000).toFixed(3)}`);
      }
    }
  }
  const generateMs = Math.round(performance.now() - t);
  // OpenMetrics wants each metric's lines together.
  const byName = [...series.values()].sort((a, b) => (a.labels['__name__']! < b.labels['__name__']! ? -1 : 1));
  writeFileSync(join(dir, 'data.om'), `${byName.flatMap((s) => s.lines).join('\n')}\n# EOF\n`);
  const samples = byName.reduce((a, s) => a + s.lines.length, 0);
  t = performance.now();
  await exec(join(dirname(binary), 'promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'prom')], { maxBuffer: 1 << 26 });
  const backfillMs = Math.round(performance.now() - t);
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');

  const tls = generateSandboxTls();
  const api = await startPromApi({ port: 0, tls, token: 'bench', db, rules: [], ruleFile: '', intervalMs: STEP_MS, now: () => end });
  const real = await startConfiguredPrometheus(binary, join(dir, 'prometheus.yml'), { dataDir: join(dir, 'prom'), retention: '30d' });
  try {
    const sandboxEp: PromEndpoint = { url: api.url, ca: tls.caCert, token: 'bench' };
    const realEp: PromEndpoint = { url: real.url };
    for (let i = 0; i < 100; i++) {
      const r = await promCall(realEp, 'GET', '/-/ready').catch(() => undefined);
      if (r?.status === 200) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const instant = { query: QUERY, time: String(end / 1000) };
    const range = { query: QUERY, start: String((start + 5 * 60_000) / 1000), end: String(end / 1000), step: '15' };
    const value = async (ep: PromEndpoint): Promise<string> => {
      const r = await promCall(ep, 'GET', '/api/v1/query', instant);
      return (r.json.data?.result as { value: [number, string] }[] | undefined)?.[0]?.value[1] ?? r.text;
    };
    const out = {
      pods: PODS,
      samples,
      generateMs,
      promtoolBackfillMs: backfillMs,
      p99Sandbox: await value(sandboxEp),
      p99Prometheus: await value(realEp),
      instantMsSandbox: await median(21, () => promCall(sandboxEp, 'GET', '/api/v1/query', instant)),
      instantMsPrometheus: await median(21, () => promCall(realEp, 'GET', '/api/v1/query', instant)),
      range1hMsSandbox: await median(5, () => promCall(sandboxEp, 'POST', '/api/v1/query_range', range)),
      range1hMsPrometheus: await median(5, () => promCall(realEp, 'POST', '/api/v1/query_range', range)),
      sandboxIdleCpuPctSpeed1: await idleCpu(1),
      sandboxIdleCpuPctSpeed20: await idleCpu(20),
    };
    console.log('metrics:', JSON.stringify(out));
    return out;
  } finally {
    await real.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMetrics();
