/**
 * Scrapes the Pods' `/metrics` into the sandbox's store on the sandbox clock, as Prometheus'
 * scrape loop does (scrape/scrape.go): each sample gets the target's labels (`job`,
 * `instance`, `cluster`; a clashing exposed label becomes `exported_<name>`, honor_labels
 * false), an `up` series per target, and stale markers when a series vanishes from a scrape,
 * a scrape fails, or a target goes away.
 */
import { request } from 'node:http';
import { parseExposition, type Labels } from './exposition.ts';
import type { ScrapeTarget } from './pod-exporters.ts';
import { labelsKey, type Tsdb } from './tsdb.ts';

export const JOB = 'bookstore';
const SCRAPE_TIMEOUT_MS = 10_000;

function targetLabels(t: ScrapeTarget): Labels {
  return { job: JOB, instance: t.address, cluster: t.cluster };
}

function fetchMetrics(address: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path: '/metrics', method: 'GET', timeout: SCRAPE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`server returned HTTP status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end();
  });
}

export class Scraper {
  readonly #db: Tsdb;
  /** Per target address: the label sets its last scrape wrote. */
  readonly #last = new Map<string, Map<string, Labels>>();

  constructor(db: Tsdb) {
    this.#db = db;
  }

  /** One scrape of every target, stamped `atMs`; targets no longer listed get stale markers. */
  async scrapeAll(targets: readonly ScrapeTarget[], atMs: number): Promise<void> {
    const live = new Set(targets.map((t) => t.address));
    for (const [address, series] of this.#last) {
      if (live.has(address)) continue;
      for (const labels of series.values()) this.#db.append(labels, atMs, null);
      this.#last.delete(address);
    }
    await Promise.all(targets.map((t) => this.#scrape(t, atMs)));
  }

  async #scrape(target: ScrapeTarget, atMs: number): Promise<void> {
    const base = targetLabels(target);
    const up: Labels = { __name__: 'up', ...base };
    const written = new Map<string, Labels>();
    try {
      const samples = parseExposition(await fetchMetrics(target.address));
      for (const s of samples) {
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.labels)) labels[k in base ? `exported_${k}` : k] = v;
        Object.assign(labels, base);
        const key = labelsKey(labels);
        written.set(key, labels);
        this.#db.append(labels, atMs, s.value);
      }
      this.#db.append(up, atMs, 1);
    } catch {
      this.#db.append(up, atMs, 0);
    }
    for (const [key, labels] of this.#last.get(target.address) ?? []) if (!written.has(key)) this.#db.append(labels, atMs, null);
    written.set(labelsKey(up), up);
    this.#last.set(target.address, written);
  }
}
