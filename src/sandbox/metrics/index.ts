/**
 * Real metrics in the sandbox: every ready Pod serves `/metrics`, the sandbox scrapes them on
 * its clock into a bounded store, evaluates the seed's alerts, and answers the Prometheus
 * HTTP API on its own port; `<dir>/prometheus/` holds the files a real Prometheus needs to
 * scrape the same Pods.
 *
 * ### Examples
 * ```ts
 * const metrics = await startMetrics({ dir, port: base + 2, tls, token, clock, clusters: REGIONS, view: (c) => kube.store(c) });
 * metrics.url; // https://127.0.0.1:N+2  (GET /api/v1/query?query=up, Authorization: Bearer <token>)
 * await metrics.close();
 * ```
 */
import type { SandboxClock } from '../clock.ts';
import type { ClusterView } from '../kube/index.ts';
import type { Pod } from '../kube/types.ts';
import { AlertingRule, SEED_ALERTS } from './alert-rules.ts';
import { startPromApi } from './api-server.ts';
import { PodExporters } from './pod-exporters.ts';
import { promFilePaths, writePromConfig, writeTargets, type PromFiles } from './prom-files.ts';
import { Scraper } from './scraper.ts';
import { Tsdb } from './tsdb.ts';
import { instantQuery } from './instant-query.ts';
import type { QueryResult } from '../../core/metrics.ts';
import { errorText } from '../error-text.ts';

export { SEED_ALERTS } from './alert-rules.ts';
export type { PromFiles } from './prom-files.ts';

/** Sandbox time kept: enough for the seed's [5m] windows and an incident's before/after. */
const RETENTION_MS = 2 * 3600_000;
const DEFAULT_INTERVAL_MS = 15_000;
/** However fast the clock runs, scrape and evaluate at most this often in real time. */
const MIN_REAL_INTERVAL_MS = 250;

export interface MetricsOptions {
  readonly dir: string;
  readonly port: number;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly token: string;
  readonly clock: SandboxClock;
  readonly clusters: readonly string[];
  readonly view: (cluster: string) => ClusterView;
  /** Scrape and rule evaluation interval in sandbox time; default 15 s. */
  readonly intervalMs?: number;
  /** The world's image behaviour overrides, so a regressed good build serves regressed traffic. */
  readonly behaviourOf?: (digest: string) => string | undefined;
  /** A feature flag the Pod evaluates makes it slow (sandbox/flags/pod-flags.ts). */
  readonly slowByFlag?: (cluster: string, pod: Pod, atMs: number) => boolean;
  readonly log?: (line: string) => void;
}

export interface SandboxMetrics {
  readonly port: number;
  readonly url: string;
  readonly intervalMs: number;
  readonly files: PromFiles;
  /** An instant query at the sandbox's now, in-process (the sandbox's Argo Rollouts analysis). */
  query(text: string): QueryResult | { readonly error: string };
  /** Syncs the Pods' exporters and scrapes once, now (tests and seeding). */
  tick(): Promise<void>;
  /** `sandbox fault metrics-down|metrics-up`: the API's port closes (scraping goes on, as Prometheus' TSDB would after a restart). */
  readonly offline: boolean;
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startMetrics(o: MetricsOptions): Promise<SandboxMetrics> {
  const intervalMs = Math.max(o.intervalMs ?? DEFAULT_INTERVAL_MS, MIN_REAL_INTERVAL_MS * o.clock.speed);
  const now = (): number => o.clock.now().getTime();
  const db = new Tsdb(RETENTION_MS);
  const files = promFilePaths(o.dir);
  const rules = SEED_ALERTS.map((d) => new AlertingRule(d));
  const exporters = new PodExporters({ clusters: o.clusters, view: o.view, now, ...(o.behaviourOf ? { behaviourOf: o.behaviourOf } : {}), ...(o.slowByFlag ? { slowByFlag: o.slowByFlag } : {}), ...(o.log ? { log: o.log } : {}) });
  const scraper = new Scraper(db);
  await writePromConfig(files, intervalMs, SEED_ALERTS);
  await writeTargets(files, []);

  let running: Promise<void> | undefined;
  const once = async (): Promise<void> => {
    if (await exporters.sync()) await writeTargets(files, exporters.targets());
    await scraper.scrapeAll(exporters.targets(), now());
    const t = now();
    for (const r of rules) r.eval(db, t);
    db.trim(t);
  };
  // One tick at a time: a slow scrape delays the next instead of piling up.
  const tick = (): Promise<void> => (running ??= once().finally(() => (running = undefined)));

  const api = await startPromApi({ port: o.port, tls: o.tls, token: o.token, db, rules, ruleFile: files.rules, intervalMs, now, ...(o.log ? { log: o.log } : {}) });
  const timer = o.clock.setInterval(() => {
    tick().catch((e: unknown) => o.log?.(`metrics: ${errorText(e)}`));
  }, intervalMs);
  return {
    port: api.port,
    url: api.url,
    intervalMs,
    files,
    tick,
    get offline() {
      return api.offline;
    },
    setOffline: (offline) => api.setOffline(offline),
    query: (text) => instantQuery(db, text, now()),
    close: async () => {
      o.clock.clearInterval(timer);
      await running?.catch(() => {});
      await api.close();
      await exporters.close();
    },
  };
}
