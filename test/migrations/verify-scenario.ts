import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewind } from './cli-harness.ts';
import { bookstoreRepo } from './git-fixture.ts';
import { tempDirSync } from '../../src/testing/temp-dirs.ts';

/** The old binary's statements: one breaks on the dropped column, one only prepares ($1), one keeps working. */
export const oldQueries = [
  '-- name: list books',
  'SELECT id, title, sku FROM books ORDER BY id;',
  '-- name: add book',
  'INSERT INTO books (title, sku) VALUES ($1, $2);',
  '-- name: stock',
  'SELECT sum(qty) FROM books;',
].join('\n');

/** Runs `verify` on the bookstore window and checks what replay found; `extra` selects the target. */
export async function verifyBookstore(extra: readonly string[]): Promise<void> {
  const repo = bookstoreRepo();
  const dir = tempDirSync('rewind-q-');
  writeFileSync(join(dir, 'old-queries.sql'), oldQueries);
  const r = await rewind(['migrations', 'verify', '--repo', repo.dir, '--from', repo.good, '--to', repo.bad, '--queries', join(dir, 'old-queries.sql'), '-o', 'json', ...extra]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    verdict: string;
    replay: { target: string; stoppedAt?: string; base: { ok: boolean }[]; window: { ok: boolean }[]; queries: { name: string; broke: boolean; brokenBy?: string; before: { ok: boolean; mode?: string } }[] };
    contradictions: string[];
  };
  assert.equal(doc.verdict, 'unsafe');
  assert.equal(doc.replay.stoppedAt, undefined);
  assert.deepEqual([doc.replay.base.length, doc.replay.window.length], [2, 3]);
  const q = Object.fromEntries(doc.replay.queries.map((x) => [x.name, x]));
  assert.equal(q['list books']?.broke, true);
  assert.match(q['list books']?.brokenBy ?? '', /0004_drop_sku\.sql$/);
  assert.equal(q['add book']?.broke, true);
  assert.equal(q['add book']?.before.mode, 'prepared');
  assert.equal(q['stock']?.broke, false);
  assert.deepEqual(doc.contradictions, []);
}
