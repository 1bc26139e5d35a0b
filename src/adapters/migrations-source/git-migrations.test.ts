import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NotFoundError } from '../../core/errors.ts';
import { changedMigrations } from './git-migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'rewind-git-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
git('init', '-q', '-b', 'main');
const commit = (files: Record<string, string>): string => {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'c');
  return git('rev-parse', 'HEAD');
};
const a = commit({ 'db/migrations/0001_a.sql': 'CREATE TABLE a (id int);\n' });
const b = commit({ 'db/migrations/0002_b.sql': 'CREATE TABLE b (id int);\n', 'db/migrations/0001_a.sql': 'CREATE TABLE a (id bigint);\n' });
git('tag', '-a', '-m', 'release', 'v2', b);
const glob = ':(glob)db/migrations/*.sql';
const absent = '0123456789abcdef0123456789abcdef01234567';

test('full object names (the diff beside the resolution) and names that must be resolved first give the same window', async () => {
  const byHash = await changedMigrations({ repo: dir, from: a, to: b, glob });
  assert.deepEqual(byHash, { from: a, to: b, changes: [{ path: 'db/migrations/0001_a.sql', status: 'M' }, { path: 'db/migrations/0002_b.sql', status: 'A' }] });
  // An annotated tag resolves to its commit, as before.
  assert.deepEqual(await changedMigrations({ repo: dir, from: 'main~1', to: 'v2', glob }), byHash);
});

test("a full object name not in the repo is `from`'s NotFoundError before `to`'s, whichever git answers first", async () => {
  await assert.rejects(changedMigrations({ repo: dir, from: absent, to: absent.replace('0', 'f'), glob }), (e: unknown) => e instanceof NotFoundError && e.message.includes(`"${absent}"`));
  await assert.rejects(changedMigrations({ repo: dir, from: a, to: absent, glob }), (e: unknown) => e instanceof NotFoundError && e.message.includes(`"${absent}"`));
});

test('a full hash the caller\'s config repo already resolved is taken from it; anything it cannot say is git\'s, messages included', async () => {
  const asked: string[] = [];
  const known = (rev: string) => {
    asked.push(rev);
    return Promise.resolve(rev === absent ? undefined : rev);
  };
  const byHash = await changedMigrations({ repo: dir, from: a, to: b, glob, known });
  assert.deepEqual(byHash, await changedMigrations({ repo: dir, from: a, to: b, glob }), 'the same window');
  assert.deepEqual(asked.sort(), [a, b].sort());
  assert.deepEqual(await changedMigrations({ repo: dir, from: 'main~1', to: 'v2', glob, known }), byHash, 'names are git\'s to resolve');
  assert.deepEqual(asked.sort(), [a, b].sort(), 'and never asked of the caller');
  await assert.rejects(changedMigrations({ repo: dir, from: a, to: absent, glob, known }), (e: unknown) => e instanceof NotFoundError && e.message.includes(`"${absent}"`));
  const failing = () => Promise.reject(new Error('the caller\'s repo cannot answer'));
  assert.deepEqual(await changedMigrations({ repo: dir, from: a, to: b, glob, known: failing }), byHash, 'a caller that fails is not an error');
});
