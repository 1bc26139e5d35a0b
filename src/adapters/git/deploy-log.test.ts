import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../../core/errors.ts';
import { deployCommits, historyStart } from './deploy-log.ts';
import { createTestRepo } from './git-test-repo.ts';

test("the deploy log: an app folder's commits since a date, newest first; where the history starts; git's complaint as an AdapterError", async () => {
  const repo = createTestRepo();
  try {
    const root = repo.commit('root', { 'README.md': 'config' });
    const a = repo.commit('catalog 1', { 'apps/catalog/k.yaml': '1' });
    repo.commit('orders', { 'apps/orders/k.yaml': '1' });
    const b = repo.commit('catalog 2', { 'apps/catalog/k.yaml': '2' });
    const branch = repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
    const all = await deployCommits(repo.dir, branch, new Date(0), 'apps/catalog');
    assert.deepEqual(all.map((c) => c.revision), [b, a]);
    const rootAt = repo.git('log', '-1', '--format=%cI', root).trim();
    assert.equal(await historyStart(repo.dir, branch), new Date(rootAt).toISOString());
    assert.deepEqual((await deployCommits(repo.dir, branch, new Date(Date.parse(all[0]!.at)), 'apps/catalog')).map((c) => c.revision), [b]);
    await assert.rejects(deployCommits(repo.dir, 'no-such-branch', new Date(0)), (e: unknown) => e instanceof AdapterError && /no-such-branch/.test(e.message));
  } finally {
    repo.remove();
  }
});
