import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SandboxState } from '../../src/sandbox/state.ts';
import { CATALOG, getApp, git, type ArgoEndpoint } from './helpers.ts';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));

let dir: string;
let state: SandboxState;
let argocd: ArgoEndpoint;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rewind-bench-world-'));
  // Through the CLI, as `npm run bench` starts it: the flags must reach the detached process.
  await exec(process.execPath, [BIN, 'sandbox', 'up', '--detach', '--dir', dir, '--speed', '20', '--bench-history', '1000', '--bench-commits', '5000'], { timeout: 90_000 });
  state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SandboxState;
  const [token, ca] = await Promise.all([readFile(state.files.argocdToken, 'utf8'), readFile(state.files.ca, 'utf8')]);
  argocd = { argocdUrl: state.urls.argocd, ca, token: token.trim() };
});
after(async () => {
  if (state) await exec(process.execPath, [BIN, 'sandbox', 'down', '--dir', dir], { timeout: 30_000 }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

test('the bench world: 1,000 history entries of real commits for the catalog in us-east, 5,000 commits', async () => {
  const app = await getApp(argocd, CATALOG);
  const history: { id: number; revision: string }[] = app.status.history;
  assert.equal(history.length, 1000);
  assert.deepEqual(history.map((h) => h.id), Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.ok(app.spec.revisionHistoryLimit >= 1000, `revisionHistoryLimit ${app.spec.revisionHistoryLimit}`);
  assert.equal(app.status.sync.status, 'Synced');
  assert.equal(app.status.health.status, 'Healthy');
  // The current entry came from a real sync, as in the default world.
  assert.equal(app.status.operationState.phase, 'Succeeded');
  assert.equal(app.status.operationState.syncResult.revision, history[history.length - 1]!.revision);

  const repo = state.configRepo.path;
  assert.ok(Number(await git(repo, ['rev-list', '--count', state.configRepo.branch])) >= 5000);
  // Every entry is a commit that changed what the app renders (its overlay or its base).
  const touching = new Set((await git(repo, ['log', '--format=%H', state.configRepo.branch, '--', 'apps/catalog/us-east', 'apps/catalog/base'])).split('\n'));
  assert.deepEqual(history.filter((h) => !touching.has(h.revision)), []);
  assert.equal(new Set(history.map((h) => h.revision)).size, 1000);
});
