import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewind } from './cli-harness.ts';
import { bookstoreRepo } from './git-fixture.ts';
import { checkRevisions } from '../../src/adapters/migrations-source/index.ts';

test('check judges the migrations added between two revisions as one window (content at --to)', async () => {
  const repo = bookstoreRepo();
  const r = await checkRevisions({ repo: repo.dir, from: repo.good, to: repo.bad, glob: 'examples/bookstore-platform/app/*/migrations/*.sql' });
  assert.deepEqual(r.files.map((f) => [f.path.split('/').pop(), f.verdict]), [['0003_add_isbn.sql', 'safe'], ['0004_drop_sku.sql', 'unsafe'], ['0005_staging.sql', 'safe']]);
  assert.equal(r.verdict, 'unsafe');
  assert.equal(r.files[1]?.findings[0]?.line, 2);
});

test('check: no migration in the window is safe (exit 0); unsafe exits 1', async () => {
  const repo = bookstoreRepo();
  const none = await rewind(['migrations', 'check', '--repo', repo.dir, '--from', repo.good, '--to', repo.good]);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /no migration changed/);
  const bad = await rewind(['migrations', 'check', '--repo', repo.dir, '--from', repo.good, '--to', repo.bad]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /NOT safe to roll back code alone/);
});

test('check: a revision that does not exist, or a folder that is not a repo, is exit 2 with a clear message', async () => {
  const repo = bookstoreRepo();
  const r = await rewind(['migrations', 'check', '--repo', repo.dir, '--from', 'deadbeef', '--to', repo.bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /revision "deadbeef" does not exist/);
  const notRepo = await rewind(['migrations', 'check', '--repo', '/', '--from', 'a', '--to', 'b']);
  assert.equal(notRepo.code, 2);
  assert.match(notRepo.stderr, /not a git repository/);
  const missing = await rewind(['migrations', 'check', '--repo', repo.dir, '--from', repo.good]);
  assert.equal(missing.code, 2);
});
