import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '../../core/errors.ts';
import { createGitConfigRepo, parseNameStatus } from './git-config-repo.ts';
import { createTestRepo } from './git-test-repo.ts';

const r = createTestRepo();
const kustomization = (digest: string) => `resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/catalog\n    digest: sha256:${digest}\n`;
const base = r.commit('catalog: base', {
  'apps/catalog/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'apps/catalog/base/deployment.yaml': 'kind: Deployment\nmetadata:\n  name: catalog\n',
  'apps/catalog/us-east/kustomization.yaml': kustomization('aaa'),
});
const good = r.commit('catalog: add note column', { 'apps/catalog/migrations/0041_note.sql': 'ALTER TABLE items ADD COLUMN note text;\n' });
const bad = r.commit('catalog: bump image', { 'apps/catalog/us-east/kustomization.yaml': kustomization('bbb') });
const repo = createGitConfigRepo({ path: r.dir });
const scratch: string[] = [];
after(() => {
  r.remove();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

test('resolve turns a short hash into the full one, and an unknown revision into a NotFoundError', async () => {
  assert.equal(await repo.resolve(bad.slice(0, 7)), bad);
  assert.equal(await repo.resolve('main'), bad);
  await assert.rejects(repo.resolve('0123456789abcdef0123456789abcdef01234567'), (e: unknown) =>
    e instanceof NotFoundError && /revision 0123456789abcdef0123456789abcdef01234567 is not in the config repo \(pruned or never fetched\?\)/.test(e.message),
  );
  await assert.rejects(repo.resolve('--output=/tmp/x'), NotFoundError);
});

test('changedFiles lists statuses, renames and pathspec limits', async () => {
  assert.deepEqual(await repo.changedFiles(good, bad), [{ status: 'modified', path: 'apps/catalog/us-east/kustomization.yaml' }]);
  assert.deepEqual(await repo.changedFiles(base, good), [{ status: 'added', path: 'apps/catalog/migrations/0041_note.sql' }]);
  assert.deepEqual(await repo.changedFiles(base, bad, ['apps/catalog/migrations']), [{ status: 'added', path: 'apps/catalog/migrations/0041_note.sql' }]);
  assert.deepEqual(parseNameStatus('R096\0old.yaml\0new.yaml\0D\0gone.yaml\0'), [
    { status: 'renamed', path: 'new.yaml' },
    { status: 'deleted', path: 'gone.yaml' },
  ]);
});

test('a full object name the repo lacks: changedFiles and log fail with its NotFoundError, from\'s first, not with the git process run beside its lookup', async () => {
  const gone = '0123456789abcdef0123456789abcdef01234567';
  const alsoGone = 'fedcba9876543210fedcba9876543210fedcba98';
  const notFound = (rev: string) => (e: unknown) => e instanceof NotFoundError && e.message.startsWith(`revision ${rev} is not in the config repo`);
  const fresh = createGitConfigRepo({ path: r.dir });
  for (const read of [(a: string, b: string) => fresh.changedFiles(a, b), (a: string, b: string) => fresh.changedFiles(a, b, ['apps']), (a: string, b: string) => fresh.log(a, b)]) {
    await assert.rejects(read(gone, bad), notFound(gone));
    await assert.rejects(read(good, gone), notFound(gone));
    await assert.rejects(read(gone, alsoGone), notFound(gone));
    await assert.rejects(read(alsoGone, gone), notFound(alsoGone));
  }
  // And the answers for names it has are the ones resolved names give.
  assert.deepEqual(await fresh.changedFiles(good, bad), await repo.changedFiles(good.slice(0, 9), bad.slice(0, 9)));
  assert.deepEqual(await fresh.log(base, bad), await repo.log(base.slice(0, 9), 'main'));
});

test('changedFiles without rename detection lists a rename as its delete and its add', async () => {
  const own = createTestRepo();
  scratch.push(own.dir);
  const before = own.commit('base', { 'apps/catalog/base/deployment.yaml': 'kind: Deployment\nmetadata:\n  name: catalog\n' });
  const renamedAt = own.commit('move the base', { 'apps/catalog/base2/deployment.yaml': 'kind: Deployment\nmetadata:\n  name: catalog\n', 'apps/catalog/base/deployment.yaml': null });
  const ownRepo = createGitConfigRepo({ path: own.dir });
  assert.deepEqual(await ownRepo.changedFiles(before, renamedAt), [{ status: 'renamed', path: 'apps/catalog/base2/deployment.yaml' }]);
  assert.deepEqual(await ownRepo.changedFiles(before, renamedAt, [], { renames: false }), [
    { status: 'deleted', path: 'apps/catalog/base/deployment.yaml' },
    { status: 'added', path: 'apps/catalog/base2/deployment.yaml' },
  ]);
});

test('show returns content at a revision, undefined for a path that is not there', async () => {
  assert.match((await repo.show(good, 'apps/catalog/us-east/kustomization.yaml')) ?? '', /sha256:aaa/);
  assert.equal(await repo.show(base, 'apps/catalog/migrations/0041_note.sql'), undefined);
  await assert.rejects(repo.show('ffffffffffffffffffffffffffffffffffffffff', 'x'), NotFoundError);
});

test('log lists the window newest first', async () => {
  const log = await repo.log(base, bad);
  assert.deepEqual(log.map((c) => [c.revision, c.subject, c.author]), [
    [bad, 'catalog: bump image', 'Ada'],
    [good, 'catalog: add note column', 'Ada'],
  ]);
  assert.match(log[0]?.date ?? '', /^\d{4}-\d\d-\d\dT.*Z$/);
});

test('log returns each commit\'s Rewind-Run trailers as git parses them (last paragraph only)', async () => {
  const t = createTestRepo();
  try {
    const b = t.commit('base', { 'k.yaml': 'x: 1\n' });
    const mine = t.commit('rewind: turn k off\n\nWhy.\n\nRewind-Run: run-1', { 'k.yaml': 'x: 2\n' });
    const prose = t.commit('mention\n\nRewind-Run: run-9\n\nnot a trailer: a later paragraph', { 'k.yaml': 'x: 3\n' });
    const plain = t.commit('plain', { 'k.yaml': 'x: 4\n' });
    const log = await createGitConfigRepo({ path: t.dir }).log(b, plain);
    assert.deepEqual(log.map((c) => [c.revision, c.runIds]), [[plain, []], [prose, []], [mine, ['run-1']]]);
  } finally {
    t.remove();
  }
});

test('hasRevertOf: false while the bad change is live, true after git revert, a restoring commit, or a rewrite', async () => {
  const t = createTestRepo();
  try {
    t.commit('base', { 'k.yaml': 'digest: aaa\n', 'other.yaml': 'x: 1\n' });
    const b = t.commit('bump', { 'k.yaml': 'digest: bbb\n' });
    const tracked = createGitConfigRepo({ path: t.dir });
    assert.equal(await tracked.hasRevertOf(b, 'main'), false);
    t.commit('unrelated', { 'other.yaml': 'x: 2\n' });
    assert.equal(await tracked.hasRevertOf(b, 'main'), false);

    t.git('revert', '--no-edit', b);
    assert.equal(await tracked.hasRevertOf(b, 'main'), true, 'git revert');

    t.git('checkout', '--quiet', '-b', 'manual', b);
    assert.equal(await tracked.hasRevertOf(b, 'manual'), false);
    t.commit('restore the old digest by hand', { 'k.yaml': 'digest: aaa\n' });
    assert.equal(await tracked.hasRevertOf(b, 'manual'), true, 'content restored');

    t.git('checkout', '--quiet', '-b', 'rewritten', `${b}^`);
    assert.equal(await tracked.hasRevertOf(b, 'rewritten'), true, 'bad is no longer on the branch');
  } finally {
    t.remove();
  }
});

test('works on a bare mirror, and fetch updates it from its remote (a no-op without one)', async () => {
  await repo.fetch();
  const dir = mkdtempSync(join(tmpdir(), 'rewind-bare-'));
  scratch.push(dir);
  const bare = join(dir, 'config-repo.git');
  execFileSync('git', ['clone', '--quiet', '--mirror', r.dir, bare]);
  const mirror = createGitConfigRepo({ path: bare });
  assert.equal(await mirror.resolve('main'), bad);
  const next = r.commit('catalog: another', { 'apps/catalog/us-east/note.txt': 'n\n' });
  await assert.rejects(mirror.resolve(next), NotFoundError);
  await mirror.fetch();
  assert.equal(await mirror.resolve('main'), next);
  assert.equal(await mirror.hasRevertOf(bad, 'main'), false);
});

test('in a clone, a branch resolves to the remote\'s after a fetch, not to the stale local branch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-clone-'));
  scratch.push(dir);
  const clone = join(dir, 'ops');
  execFileSync('git', ['clone', '--quiet', r.dir, clone]);
  const ops = createGitConfigRepo({ path: clone });
  const before = await ops.resolve('main');
  const next = r.commit('catalog: pushed by someone else', { 'apps/catalog/us-east/other.txt': 'o\n' });
  await ops.fetch();
  const localMain = execFileSync('git', ['-C', clone, 'rev-parse', 'refs/heads/main']).toString().trim();
  assert.equal(localMain, before, 'the local branch did not move: nobody pulled');
  assert.equal(await ops.resolve('main'), next, 'what Argo CD tracks is the remote branch');
});

test('contains: a fix on a branch is not on main until main merges it (a merge commit contains it)', async () => {
  r.git('checkout', '--quiet', '-b', 'fix/catalog');
  const fix = r.commit('catalog: fix the sku read', { 'apps/catalog/us-east/fix.txt': 'f\n' });
  r.git('checkout', '--quiet', 'main');
  assert.equal(await repo.contains(fix, 'main'), false);
  assert.equal(await repo.contains(fix, 'fix/catalog'), true);
  r.git('merge', '--quiet', '--no-ff', '-m', 'Merge fix/catalog', 'fix/catalog');
  assert.equal(await repo.contains(fix, 'main'), true);
  assert.equal(await repo.contains(bad, 'main'), true);
});

/** A `git` that logs its arguments (one line per process) and runs the real one. */
function gitShim(): { shim: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-git-shim-'));
  scratch.push(dir);
  const log = join(dir, 'calls');
  const shim = join(dir, 'git');
  writeFileSync(shim, `#!/bin/sh\necho "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  return { shim, log };
}

test('repo objects on one path share one object cache: commits and files come through one `git cat-file --batch` per process', async () => {
  const { shim, log } = gitShim();
  const a = createGitConfigRepo({ path: r.dir, git: shim });
  const b = createGitConfigRepo({ path: r.dir, git: shim });
  const file = 'apps/catalog/us-east/kustomization.yaml';
  const [fromA, fromB] = await Promise.all([a.show(bad, file), b.show(bad, file)]);
  assert.equal(fromA, kustomization('bbb'));
  assert.equal(fromB, fromA);
  assert.equal(await b.show(bad, 'apps/catalog/base'), undefined, 'a folder is no file');
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(calls, [`-C ${r.dir} cat-file --batch`]);
});

test('a diff between two commits is asked once per process, whichever repo object asks it, with the same answer', async () => {
  const { shim, log } = gitShim();
  const a = createGitConfigRepo({ path: r.dir, git: shim });
  const b = createGitConfigRepo({ path: r.dir, git: shim });
  const from = r.git('rev-parse', `${bad}^`).trim();
  const [fromA, fromB] = await Promise.all([a.changedFiles(from, bad, ['apps/catalog']), b.changedFiles(from, bad, ['apps/catalog'])]);
  assert.deepEqual(fromB, fromA);
  assert.deepEqual(await a.changedFiles(from, bad, ['apps/catalog']), fromA);
  assert.notDeepEqual(await a.changedFiles(from, bad, ['apps/none']), fromA, 'another pathspec is another diff');
  const diffs = readFileSync(log, 'utf8').trim().split('\n').filter((c) => c.includes(' diff '));
  assert.equal(diffs.length, 2, diffs.join('\n'));
});
