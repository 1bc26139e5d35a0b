import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileJournalStore } from './file-journal-store.ts';
import { runJournalStoreSuite } from '../../testing/journal-store-suite.ts';
import { tempDirSync } from '../../testing/temp-dirs.ts';

const dir = tempDirSync('rewind-journal-');
runJournalStoreSuite('file journal', () => new FileJournalStore(dir));

test('a torn last line (crash mid-append) loses only that line', async () => {
  const store = new FileJournalStore(dir);
  await store.append({ type: 'run-status', runId: 'torn', at: '2026-01-01T00:00:00.000Z', status: 'running' });
  appendFileSync(join(dir, 'runs', 'torn.jsonl'), '{"type":"inte');
  const records = await store.read('torn');
  assert.equal(records.length, 1);
});

test('a lease left by a dead process is taken over', async () => {
  const d = tempDirSync('rewind-lease-');
  mkdirSync(join(d, 'leases'));
  const { hostname } = await import('node:os');
  writeFileSync(join(d, 'leases', 'catalog.lock'), JSON.stringify({ runId: 'old', pid: 2 ** 22 + 17, host: hostname() }));
  const release = await new FileJournalStore(d).acquireLease('catalog', 'new');
  await release();
});

test('run ids that could escape the journal folder are rejected', async () => {
  await assert.rejects(new FileJournalStore(dir).read('../etc/passwd'), /invalid run id/);
});
