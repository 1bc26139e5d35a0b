/**
 * Why the embedded journal is an fsync'd JSON-lines file and not PGlite: open cost, append cost
 * and memory, measured side by side in one process run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileJournalStore } from '../src/executor/journal/file-journal-store.ts';

export async function benchJournal(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-journal-'));
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const store = new FileJournalStore(dir);
  const fileOpenMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < 100; i++) {
    await store.append({ type: 'run-status', runId: 'bench', at: new Date().toISOString(), status: 'running' });
  }
  const fileAppendMs = (performance.now() - t) / 100;
  const fileRssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;

  const { PGlite } = await import('@electric-sql/pglite');
  const pgDir = join(dir, 'pglite');
  const rss1 = process.memoryUsage().rss;
  t = performance.now();
  const created = new PGlite(pgDir);
  await created.waitReady;
  const pgliteCreateMs = performance.now() - t;
  await created.exec('CREATE TABLE j (seq serial primary key, record jsonb)');
  t = performance.now();
  for (let i = 0; i < 100; i++) await created.query('INSERT INTO j (record) VALUES ($1)', [JSON.stringify({ i })]);
  const pgliteAppendMs = (performance.now() - t) / 100;
  await created.close();
  t = performance.now();
  const reopened = new PGlite(pgDir);
  await reopened.waitReady;
  const pgliteReopenMs = performance.now() - t;
  const pgliteRssMb = (process.memoryUsage().rss - rss1) / 2 ** 20;
  await reopened.close();
  const out = {
    fileOpenMs: round(fileOpenMs),
    fileAppendMs: round(fileAppendMs),
    fileRssMb: round(fileRssMb),
    pgliteCreateMs: round(pgliteCreateMs),
    pgliteReopenMs: round(pgliteReopenMs),
    pgliteAppendMs: round(pgliteAppendMs),
    pgliteRssMb: round(pgliteRssMb),
  };
  console.log('journal:', JSON.stringify(out));
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) await benchJournal();
