import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNotice, type NoticeFacts } from '../../core/comms.ts';
import { createRunbookRecorder, readRunbook } from './runbook-file.ts';

const facts: NoticeFacts = {
  runId: '20260520-143013-bookstore-catalog-us-east',
  app: 'bookstore-catalog-us-east',
  severity: 'P1',
  service: 'Catalog',
  region: 'us-east',
  badRevision: 'd8f3c2a',
  goodRevision: 'a1b2c3d',
  mitigatedAt: '2026-05-20T14:31:07.000Z',
  metricsRecovered: false,
  resolvedBy: 'rewind argocd-rollback (rollback to id 41)',
  change: 'changed: image-digest',
  mechanism: 'argocd-rollback',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' } }).trim();
const signal = new AbortController().signal;

test('a verified run adds its row, commits it alone with the configured identity, pushes when configured, and never twice', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-runbook-'));
  try {
    const remote = join(dir, 'remote.git');
    const clone = join(dir, 'clone');
    git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
    git(dir, 'clone', '-q', remote, clone);
    const file = join(clone, 'runbooks', 'code-rollback-argocd.md');
    execFileSync('mkdir', ['-p', join(clone, 'runbooks')]);
    await writeFile(file, '# Code rollback\n\n## When this runbook last worked\n\n| Date | App | Region | Resolved by | Notes |\n|---|---|---|---|---|\n| 2026-05-01 | bookstore-catalog-us-east | us-east | Step 3b (rollback to id 38) | bad image digest |\n');
    await writeFile(join(clone, 'unrelated.txt'), 'someone else\'s edit');
    git(clone, 'add', '.');
    git(clone, 'commit', '-qm', 'runbook');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    git(clone, 'branch', '-q', '--set-upstream-to=origin/main');
    await writeFile(join(clone, 'unrelated.txt'), 'uncommitted work in progress');
    const rec = createRunbookRecorder({ name: 'code-rollback-argocd', file, git: { authorName: 'rewind bot', authorEmail: 'rewind@acme.example', push: true } });
    assert.equal(rec.target, 'runbook code-rollback-argocd');
    const first = await rec.deliver(makeNotice('verified', facts), undefined, { signal });
    const again = await rec.deliver(makeNotice('verified', facts), undefined, { signal });
    assert.equal(first.ref, again.ref, 'the second delivery finds its row and commits nothing');
    const status = await readRunbook('code-rollback-argocd', file);
    assert.deepEqual(status.rows.map((r) => [r.date, r.resolvedBy, r.notes]), [
      ['2026-05-20', 'rewind argocd-rollback (rollback to id 41)', `changed: image-digest; recovery metrics not checked; run ${facts.runId}`],
      ['2026-05-01', 'Step 3b (rollback to id 38)', 'bad image digest'],
    ]);
    assert.equal(git(remote, 'log', '-1', '--format=%an <%ae>|%cn|%s', 'main'), `rewind bot <rewind@acme.example>|rewind bot|runbook code-rollback-argocd: bookstore-catalog-us-east recovered (run ${facts.runId})`);
    assert.equal(git(remote, 'show', '--name-only', '--format=', 'main'), 'runbooks/code-rollback-argocd.md', 'only the runbook is committed');
    assert.equal(await readFile(join(clone, 'unrelated.txt'), 'utf8'), 'uncommitted work in progress');
    assert.equal(git(remote, 'rev-list', '--count', 'main'), '2');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('outside a git repo the row is written and nothing else; a missing file is a non-retryable failure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-runbook-'));
  try {
    const file = join(dir, 'rb.md');
    await writeFile(file, '# Runbook\n');
    const rec = createRunbookRecorder({ name: 'rb', file, git: { authorName: 'a', authorEmail: 'a@a', push: false } });
    assert.deepEqual(await rec.deliver(makeNotice('verified', facts), undefined, { signal }), { ref: 'written' });
    assert.equal((await readRunbook('rb', file)).rows.length, 1);
    const missing = createRunbookRecorder({ name: 'gone', file: join(dir, 'nope.md'), git: { authorName: 'a', authorEmail: 'a@a', push: false } });
    await assert.rejects(missing.deliver(makeNotice('verified', facts), undefined, { signal }), (e: unknown) => e instanceof Error && /cannot read .*ENOENT/.test(e.message) && (e as { retryable?: boolean }).retryable === false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
