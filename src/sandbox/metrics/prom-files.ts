/**
 * The files a real Prometheus needs to watch the same Pods as the sandbox:
 * `<dir>/prometheus/targets.json` (file_sd, rewritten atomically as Pods come and go),
 * `rules.yml` (the seed's alerts) and `prometheus.yml` (relative paths, so the folder is
 * self-contained: `prometheus --config.file=<dir>/prometheus/prometheus.yml`).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AlertRuleDef } from './alert-rules.ts';
import type { ScrapeTarget } from './pod-exporters.ts';
import { JOB } from './scraper.ts';

export interface PromFiles {
  readonly dir: string;
  readonly config: string;
  readonly rules: string;
  readonly targets: string;
}

export function promFilePaths(sandboxDir: string): PromFiles {
  const dir = join(sandboxDir, 'prometheus');
  return { dir, config: join(dir, 'prometheus.yml'), rules: join(dir, 'rules.yml'), targets: join(dir, 'targets.json') };
}

/** Seconds as a Prometheus duration (`15s`, `1m`, `500ms`). */
function promDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

function prometheusYml(intervalMs: number): string {
  const doc = {
    global: { scrape_interval: promDuration(intervalMs), evaluation_interval: promDuration(intervalMs) },
    rule_files: ['rules.yml'],
    // Prometheus reloads targets.json on inotify, but an event lost on an overlay or busy filesystem
    // leaves it on the old Pods until the re-read: keep that re-read near the scrape interval.
    scrape_configs: [{ job_name: JOB, file_sd_configs: [{ files: ['targets.json'], refresh_interval: promDuration(Math.max(intervalMs, 5000)) }] }],
  };
  return `# Written by the rewind sandbox: scrapes the sandbox's Pods (at --speed 1 the counters run on wall time).\n${stringify(doc)}`;
}

function rulesYml(rules: readonly AlertRuleDef[]): string {
  const doc = {
    groups: [
      {
        name: 'bookstore',
        rules: rules.map((r) => ({ alert: r.alert, expr: r.expr, for: promDuration(r.forSeconds * 1000), labels: r.labels, annotations: r.annotations })),
      },
    ],
  };
  return `# The seed runbook's alerts, as the sandbox evaluates them.\n${stringify(doc)}`;
}

function targetsJson(targets: readonly ScrapeTarget[]): string {
  const byCluster = new Map<string, string[]>();
  for (const t of targets) byCluster.set(t.cluster, [...(byCluster.get(t.cluster) ?? []), t.address]);
  const groups = [...byCluster.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cluster, addrs]) => ({ targets: addrs.sort(), labels: { cluster } }));
  return `${JSON.stringify(groups, null, 2)}\n`;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function writePromConfig(files: PromFiles, intervalMs: number, rules: readonly AlertRuleDef[]): Promise<void> {
  await mkdir(files.dir, { recursive: true });
  await writeAtomic(files.rules, rulesYml(rules));
  await writeAtomic(files.config, prometheusYml(intervalMs));
}

export function writeTargets(files: PromFiles, targets: readonly ScrapeTarget[]): Promise<void> {
  return writeAtomic(files.targets, targetsJson(targets));
}
