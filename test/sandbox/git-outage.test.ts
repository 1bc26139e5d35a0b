import { existsSync } from 'node:fs';
/**
 * A git outage (`rewind sandbox fault git-down|git-up`): Argo CD's validation and new syncs fail
 * with upstream's messages, `PUT .../spec?validate=false` still writes, and a rollback to a
 * revision whose manifests the repo-server has cached still lands (util/argo/argo.go
 * ValidateRepo, util/git/client.go lsRemote, server/application/application.go UpdateSpec).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from '../e2e/cli.ts';
import { argo, CATALOG, getApp, git, mergePatch, waitFor } from './helpers.ts';

let sb: SandboxProcess;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

test('sandbox fault is a CLI subcommand: git-down hides the repository from every git reader', async () => {
  const bad = await rewind(['sandbox', 'fault', 'git-sideways', '--dir', sb.dir]);
  assert.equal(bad.code, 2, bad.stderr);
  const down = await rewind(['sandbox', 'fault', 'git-down', '--dir', sb.dir]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /unreachable/);
  assert.equal((await argo(sb, 'GET', '/api/sandbox/v1/fault')).body.git, 'down');
  // The repository is gone from where every reader looks, not merely failing some other way.
  assert.equal(existsSync(sb.configRepo.path), false);
  await assert.rejects(git(sb.configRepo.path, ['rev-parse', 'main']), /ENOENT|not a git repository|No such file/);
});

test('while git is down: PATCH and PUT validate and fail as upstream; PUT .../spec?validate=false writes', async () => {
  const app = await getApp(sb);
  const patch = await mergePatch(sb, CATALOG, { spec: { syncPolicy: { automated: { enabled: false } } } });
  assert.equal(patch.status, 400);
  assert.equal(patch.body.code, 3);
  assert.match(
    patch.body.message,
    /^error validating and normalizing app: application spec for bookstore-catalog-us-east is invalid: InvalidSpecError: repository not accessible: repositories not accessible: &Repository\{Repo: "file:\/\/.*", Type: "git", Name: "", Project: ""\}: repo client error while testing repository: rpc error: code = Unknown desc = error testing repository connectivity: failed to list refs: repository not found$/,
  );
  const spec = structuredClone(app.spec);
  spec.syncPolicy.automated.enabled = false;
  const validated = await argo(sb, 'PUT', `/api/v1/applications/${CATALOG}/spec`, spec);
  assert.equal(validated.status, 400);
  assert.match(validated.body.message, /^error validating and updating app: error validating and normalizing app: application spec for/);
  const unvalidated = await argo(sb, 'PUT', `/api/v1/applications/${CATALOG}/spec?validate=false`, spec);
  assert.equal(unvalidated.status, 200, JSON.stringify(unvalidated.body));
  assert.equal(unvalidated.body.syncPolicy.automated.enabled, false);
  assert.equal((await getApp(sb)).spec.syncPolicy.automated.enabled, false);
});

test('while git is down: a sync of the branch fails to list refs; comparisons go Unknown', async () => {
  const sync = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/sync`, {});
  assert.equal(sync.status, 500);
  assert.equal(sync.body.message, 'error resolving repo revision: rpc error: code = Unknown desc = failed to list refs: repository not found');
  await waitFor('comparison Unknown', async () => (await getApp(sb)).status.sync.status === 'Unknown');
});

test('while git is down: a rollback to a cached revision lands; one never rendered fails to fetch', async () => {
  const app = await getApp(sb);
  const cached = app.status.history.at(-2);
  const rb = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: cached.id });
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  const done = await waitFor('rollback done', async () => {
    const a = await getApp(sb);
    const o = a.status.operationState;
    return o?.operation.sync.syncStrategy && o.phase !== 'Running' ? a : undefined;
  });
  assert.equal(done.status.operationState.phase, 'Succeeded', done.status.operationState.message);
  assert.equal(done.status.history.at(-1).revision, cached.revision);

  // The oldest entry kept after the rollback's own entry pushed one out (revisionHistoryLimit).
  const old = done.status.history[0];
  assert.ok(old.revision !== cached.revision);
  const rb2 = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: old.id });
  assert.equal(rb2.status, 200, JSON.stringify(rb2.body));
  const failed = await waitFor('rollback failed', async () => {
    const o = (await getApp(sb)).status.operationState;
    return o?.operation.sync.revision === old.revision && o.phase !== 'Running' ? o : undefined;
  });
  assert.equal(failed.phase, 'Error');
  assert.equal(failed.message, `rpc error: code = Internal desc = Failed to fetch revision ${old.revision}: repository not found`);
});

test('the CI cannot push while git is down; git-up brings validation, comparison and pushes back', async () => {
  const brk = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: 'bookstore-orders-us-east' });
  assert.equal(brk.status, 500);
  assert.match(brk.body.message, /repository not found/);
  const up = await rewind(['sandbox', 'fault', 'git-up', '--dir', sb.dir, '-o', 'json']);
  assert.equal(up.code, 0, up.stderr);
  assert.deepEqual(JSON.parse(up.stdout), { git: 'up', metrics: 'up', argocdApi: 'up' });
  assert.match(await git(sb.configRepo.path, ['rev-parse', 'main']), /^[0-9a-f]{40}$/);
  const patch = await mergePatch(sb, CATALOG, { spec: { syncPolicy: { automated: { enabled: true } } } });
  assert.equal(patch.status, 200, JSON.stringify(patch.body));
  await waitFor('compared again', async () => (await getApp(sb)).status.sync.status !== 'Unknown');
});

test('with git up, an update whose source renders nothing is refused; validate=false stores it anyway (Update and UpdateSpec)', async () => {
  const patch = await mergePatch(sb, CATALOG, { spec: { source: { path: 'apps/catalog/ap-south' } } });
  assert.equal(patch.status, 400);
  assert.equal(
    patch.body.message,
    'error validating and normalizing app: application spec for bookstore-catalog-us-east is invalid: InvalidSpecError: Unable to generate manifests in apps/catalog/ap-south: rpc error: code = Unknown desc = apps/catalog/ap-south: app path does not exist',
  );
  const app = await getApp(sb);
  const update = await argo(sb, 'PUT', `/api/v1/applications/${CATALOG}`, { ...app, spec: { ...app.spec, source: { ...app.spec.source, targetRevision: 'no-such-branch' } } });
  assert.equal(update.status, 400);
  assert.match(update.body.message, /Unable to generate manifests in apps\/catalog\/us-east: rpc error: code = Unknown desc = unable to resolve 'no-such-branch' to a commit SHA$/);
  const forced = await argo(sb, 'PUT', `/api/v1/applications/${CATALOG}?validate=false`, { ...app, spec: { ...app.spec, revisionHistoryLimit: 12 } });
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  assert.equal((await getApp(sb)).spec.revisionHistoryLimit, 12);
});
