/**
 * The git adapter and the change analyzer against the config repo the sandbox creates (a bare
 * repository Argo CD's reconciliation reads), for revisions taken from Argo CD's history.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createGitChangeDiagnoser, createGitConfigRepo } from '../../src/adapters/git/index.ts';
import { NotFoundError } from '../../src/core/errors.ts';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argocdClient, started, type Sandbox } from './sandbox-clients.ts';

let sb: Sandbox | undefined;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

const history = async (app: string) => (await argocdClient(started(sb)).getApplication(app)).history;

test('every revision in Argo CD history resolves in the config repo', async () => {
  const repo = createGitConfigRepo({ path: started(sb).configRepo.path });
  for (const h of await history('bookstore-catalog-us-east')) assert.equal(await repo.resolve(h.revision), h.revision);
  await assert.rejects(repo.resolve('0000000000000000000000000000000000000000'), NotFoundError);
  await repo.fetch();
});

test("the window between the last two deploys is diagnosed, only the app's own files", async () => {
  const h = await history('bookstore-catalog-us-east');
  const [from, to] = [h.at(-2), h.at(-1)];
  assert.ok(from && to);
  const analyzer = createGitChangeDiagnoser({
    path: started(sb).configRepo.path,
    appPath: 'apps/catalog/us-east',
    migrationsGlob: 'apps/catalog/migrations/*.sql',
  });
  const d = await analyzer.diagnose(from.revision, to.revision);
  assert.ok(d.commits.length >= 1, 'the window has commits');
  assert.ok(d.files.every((f) => f.startsWith('apps/catalog/')), `only catalog's files: ${d.files.join(', ')}`);
});

test("after the seed's incident, the bad window is an image-digest bump with its before and after", async () => {
  const bin = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));
  const out = execFileSync(process.execPath, [bin, 'sandbox', 'break', 'bookstore-catalog-us-east', '--dir', started(sb).dir, '-o', 'json'], { encoding: 'utf8' });
  const bad = (JSON.parse(out) as { revision: string }).revision;
  const h = await history('bookstore-catalog-us-east');
  const good = [...h].reverse().find((e) => e.revision !== bad);
  assert.ok(good, 'a last-known-good entry');
  const analyzer = createGitChangeDiagnoser({ path: started(sb).configRepo.path, appPath: 'apps/catalog/us-east', migrationsGlob: 'apps/catalog/migrations/*.sql' });
  const d = await analyzer.diagnose(good.revision, bad);
  assert.ok(d.kinds.includes('image-digest'), `kinds: ${d.kinds.join(', ')}`);
  const image = d.images[0];
  assert.ok(image?.from?.includes('@sha256:') && image.to?.includes('@sha256:') && image.from !== image.to, JSON.stringify(d.images));
  assert.equal(d.commits[0]?.revision, bad);
  assert.equal(await createGitConfigRepo({ path: started(sb).configRepo.path }).hasRevertOf(bad, started(sb).configRepo.branch), false);
});
