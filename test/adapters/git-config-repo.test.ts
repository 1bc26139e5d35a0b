/**
 * The git adapter and the change analyzer against the config repo the sandbox creates (a bare
 * repository Argo CD's reconciliation reads), for revisions taken from Argo CD's history.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createArgoCdGitOpsClient } from '../../src/adapters/argocd/index.ts';
import { createGitChangeAnalyzer, createGitConfigRepo } from '../../src/adapters/git/index.ts';
import { NotFoundError } from '../../src/core/errors.ts';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { caOption, configRepoPath, type Sandbox } from './sandbox-clients.ts';

let sb: Sandbox | undefined;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const started = (): Sandbox => {
  assert.ok(sb, 'the sandbox started');
  return sb;
};
const history = async (app: string) =>
  (await createArgoCdGitOpsClient({ url: started().argocdUrl, token: started().token, ...caOption(started()) }).getApplication(app)).history;

test('every revision in Argo CD history resolves in the config repo', async () => {
  const repo = createGitConfigRepo({ path: configRepoPath(started()) });
  for (const h of await history('bookstore-catalog-us-east')) assert.equal(await repo.resolve(h.revision), h.revision);
  await assert.rejects(repo.resolve('0000000000000000000000000000000000000000'), NotFoundError);
  await repo.fetch();
});

test('the window between the last two deploys is diagnosed and its migrations judged', async () => {
  const h = await history('bookstore-catalog-us-east');
  const [from, to] = [h.at(-2), h.at(-1)];
  assert.ok(from && to);
  const analyzer = createGitChangeAnalyzer({
    path: configRepoPath(started()),
    appPath: 'apps/catalog/us-east',
    migrationsGlob: 'apps/catalog/migrations/*.sql',
  });
  const d = await analyzer.diagnose(from.revision, to.revision);
  assert.ok(d.commits.length >= 1, 'the window has commits');
  assert.ok(d.files.every((f) => f.startsWith('apps/catalog/')), `only catalog's files: ${d.files.join(', ')}`);
  const m = await analyzer.migrations(from.revision, to.revision);
  assert.ok(['none', 'safe', 'review', 'unsafe', 'error'].includes(m.verdict));
});
