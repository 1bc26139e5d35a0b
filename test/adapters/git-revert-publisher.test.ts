/**
 * rewind's `git revert` and push (the git adapter's RevertPublisher) against the sandbox's config
 * repo: a real bare repository whose pre-receive hook protects branches as a forge does. Every
 * case starts from a fresh repo: a deploy history, then a bad commit on top.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createGitConfigRepo, createGitRevertPublisher } from '../../src/adapters/git/index.ts';
import { RefusedError } from '../../src/core/errors.ts';
import { createConfigRepo, type ConfigRepo } from '../../src/sandbox/gitops/config-repo.ts';
import { git } from '../../src/sandbox/gitops/git.ts';

const CI = { name: 'ci-bot', email: 'ci-bot@acme-books.example' };
const overlay = (digest: string) => `images:\n  - name: ghcr.io/acme/catalog\n    digest: sha256:${digest.repeat(64 / digest.length)}\n`;
const APP = 'apps/catalog/us-east';

describe('git revert by rewind (real git, the sandbox config repo)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function world(): Promise<{ repo: ConfigRepo; state: string; bad: string; good: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'rewind-revert-'));
    const t = Date.parse('2026-05-20T10:00:00Z');
    const repo = await createConfigRepo({
      dir,
      history: [
        { date: new Date(t), author: CI, message: 'catalog: first deploy', files: { [`${APP}/kustomization.yaml`]: overlay('1'), 'apps/orders/us-east/kustomization.yaml': overlay('2') } },
        { date: new Date(t + 60_000), author: CI, message: 'catalog: bump to good', files: { [`${APP}/kustomization.yaml`]: overlay('3') } },
      ],
    });
    const good = await repo.resolve('main');
    const bad = await repo.commit({ files: { [`${APP}/kustomization.yaml`]: overlay('b') }, message: 'catalog: bump to bad', date: new Date(t + 120_000), author: CI });
    const state = join(dir, 'state');
    cleanups.push(async () => {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
    });
    return { repo, state, bad, good };
  }
  const request = (bad: string, over: Partial<Parameters<ReturnType<typeof createGitRevertPublisher>['revert']>[0]> = {}) => ({
    bad, branch: 'main', appPath: APP, mode: 'push' as const, reviewBranch: 'rewind/revert-run-1', message: 'Rewind-Run: run-1\nRewind-Reason: p99 regression', ...over,
  });
  const content = (repo: ConfigRepo, rev: string) => repo.readFile(rev, `${APP}/kustomization.yaml`);

  it('reverts the bad commit and pushes it to the tracked branch, naming the run and the reason', async () => {
    const { repo, state, bad, good } = await world();
    const r = await createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state }).revert(request(bad));
    assert.deepEqual({ pushedTo: r.pushedTo, review: r.review }, { pushedTo: 'main', review: false });
    const head = await repo.resolve('main');
    assert.equal(head, r.commit);
    assert.equal(await content(repo, head), await content(repo, good));
    const message = await git(['log', '-1', '--format=%B', head], { cwd: repo.bareDir });
    assert.match(message, /^Revert "catalog: bump to bad"\n\nThis reverts commit [0-9a-f]{40}\.\n\nRewind-Run: run-1\nRewind-Reason: p99 regression\n/);
    assert.equal(await createGitConfigRepo({ path: repo.bareDir }).hasRevertOf(bad, 'main'), true);
  });

  it('pushes through the origin of a clone, never into the user\'s checkout', async () => {
    const { repo, state, bad } = await world();
    const before = await git(['rev-parse', 'HEAD'], { cwd: repo.workDir });
    const r = await createGitRevertPublisher({ repoPath: repo.workDir, workRoot: state }).revert(request(bad));
    assert.equal(await repo.resolve('main'), r.commit, 'the clone\'s origin (the bare repo) has it');
    assert.equal(await git(['rev-parse', 'HEAD'], { cwd: repo.workDir }), before, 'the checkout is untouched');
  });

  it('a protected branch refuses the push: the revert goes to a review branch, then lands when a reviewer merges it', async () => {
    const { repo, state, bad } = await world();
    await repo.protect('main', true);
    const r = await createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state }).revert(request(bad));
    assert.equal(r.review, true);
    assert.equal(r.pushedTo, 'rewind/revert-run-1');
    assert.match(r.why ?? '', /main refused the push \(remote: error: GH006: Protected branch update failed for refs\/heads\/main/);
    assert.equal(await repo.resolve('main'), bad, 'main is untouched');
    assert.equal(await repo.resolve('rewind/revert-run-1'), r.commit);
    const ours = createGitConfigRepo({ path: repo.bareDir });
    assert.equal(await ours.hasRevertOf(bad, 'main'), false);
    await repo.merge('rewind/revert-run-1', new Date('2026-05-20T10:30:00Z'), { name: 'Sam', email: 'sam@example' });
    assert.equal(await ours.hasRevertOf(bad, 'main'), true);
  });

  it('revert: review pushes for review even where the branch would take it', async () => {
    const { repo, state, bad } = await world();
    const r = await createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state }).revert(request(bad, { mode: 'review' }));
    assert.deepEqual([r.pushedTo, r.review, r.why], ['rewind/revert-run-1', true, 'the policy asks for review (revert: review)']);
    assert.equal(await repo.resolve('main'), bad);
  });

  it('a conflict with a later commit is refused with what to do, and nothing is pushed', async () => {
    const { repo, state, bad } = await world();
    const later = await repo.commit({ files: { [`${APP}/kustomization.yaml`]: overlay('c') }, message: 'catalog: hotfix on top', date: new Date('2026-05-20T10:40:00Z'), author: CI });
    await assert.rejects(createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state }).revert(request(bad)), (e: unknown) =>
      e instanceof RefusedError && /git revert [0-9a-f]{7} conflicts with later commits on main \(apps\/catalog\/us-east\/kustomization.yaml\)/.test(e.message) && /fix the conflict, push to main/.test(e.hint ?? ''));
    assert.equal(await repo.resolve('main'), later);
  });

  it('a revert touching files outside the app\'s folder is refused', async () => {
    const { repo, state } = await world();
    const wide = await repo.commit({ files: { [`${APP}/kustomization.yaml`]: overlay('d'), 'apps/orders/us-east/kustomization.yaml': overlay('e') }, message: 'bump catalog and orders', date: new Date('2026-05-20T10:50:00Z'), author: CI });
    await assert.rejects(createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state }).revert(request(wide)), (e: unknown) =>
      e instanceof RefusedError && /would change files outside the app's folder apps\/catalog\/us-east: apps\/orders\/us-east\/kustomization.yaml/.test(e.message));
    assert.equal(await repo.resolve('main'), wide);
  });

  it('a token from the environment never shows in what rewind reports', async () => {
    const { repo, state, bad } = await world();
    await repo.protect('main', true);
    const token = 'ghp_secret_token_value_123';
    const r = await createGitRevertPublisher({ repoPath: repo.bareDir, workRoot: state, token }).revert(request(bad));
    assert.doesNotMatch(JSON.stringify(r), new RegExp(token));
    assert.doesNotMatch(await git(['log', '-1', '--format=%B', r.commit], { cwd: repo.bareDir }), new RegExp(token));
  });
});
