import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { digestOf } from '../../src/sandbox/world/images.ts';
import { argo, CATALOG, getApp, git, kubectl, runningDigests, settledOn, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const GOOD = digestOf('catalog', '1.4.2');
const BAD = digestOf('catalog', '1.5.0');
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

test('sandbox break ships the bad digest through auto-sync as history 42', async () => {
  const r = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: CATALOG });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.historyId, 42);
  assert.match(r.body.subject, /^catalog: bump image to 1\.5\.0 \(sha256:[0-9a-f]{12}\) in us-east$/);
  assert.equal(await git(sb.configRepo.path, ['rev-parse', 'main']), r.body.revision);
  assert.equal(await git(sb.configRepo.path, ['diff', '--name-only', `${r.body.revision}~1`, r.body.revision]), 'apps/catalog/us-east/kustomization.yaml', 'no migration changed');
  const app = await getApp(sb);
  assert.equal(app.status.history.at(-1).id, 42);
  assert.ok(Date.now() - Date.parse(app.status.history.at(-1).deployedAt) < 5 * 60_000, 'landed minutes ago');
  await waitFor('pods on the bad digest', () => settledOn(sb, BAD));
});

test('rollback and sync to another revision are refused while auto-sync is on (400, code 9, upstream text)', async () => {
  const rb = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: 41 });
  assert.equal(rb.status, 400);
  assert.deepEqual(rb.body, { error: 'rollback cannot be initiated when auto-sync is enabled', code: 9, message: 'rollback cannot be initiated when auto-sync is enabled' });
  const app = await getApp(sb);
  const good = app.status.history.find((h: { id: number }) => h.id === 41).revision;
  const sync = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/sync`, { revision: good });
  assert.equal(sync.status, 400);
  assert.equal(sync.body.code, 9);
  assert.equal(sync.body.message, `Cannot sync to ${good}: auto-sync currently set to main`);
  assert.deepEqual(await runningDigests(sb), [BAD]);
});

test('bad tokens are refused with 401 and unknown apps with 404, in Argo CD error shape', async () => {
  const none = await argo(sb, 'GET', '/api/v1/applications', undefined, null);
  assert.equal(none.status, 401);
  assert.equal(none.body.code, 16);
  const wrong = await argo(sb, 'GET', '/api/v1/applications', undefined, 'nope');
  assert.equal(wrong.status, 401);
  const missing = await argo(sb, 'GET', '/api/v1/applications/bookstore-search-us-east');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 5);
  const version = await argo(sb, 'GET', '/api/version', undefined, null);
  assert.equal(version.status, 200);
});

test('after auto-sync is disabled (PATCH automated.enabled=false) the rollback is accepted; pods run the old digest; history gains an entry', async () => {
  const patch = await argo(sb, 'PATCH', `/api/v1/applications/${CATALOG}`, {
    name: CATALOG,
    patchType: 'merge',
    patch: JSON.stringify({ spec: { syncPolicy: { automated: { enabled: false } } } }),
  });
  assert.equal(patch.status, 200, JSON.stringify(patch.body));
  assert.deepEqual(patch.body.spec.syncPolicy.automated, { prune: true, selfHeal: true, enabled: false });

  const unknown = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: 7 });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.message, `application ${CATALOG} does not have deployment with id 7`);

  const rb = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: 41, prune: false });
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  assert.equal(rb.body.operation.sync.syncStrategy.apply !== undefined, true, 'rollback uses the apply strategy (no hooks)');
  await waitFor('rollback finished', async () => (await getApp(sb)).status.operationState.phase === 'Succeeded' && (await getApp(sb)).status.history.at(-1).id === 43);
  await waitFor('pods back on the good digest', () => settledOn(sb, GOOD));
  const app = await getApp(sb);
  const entry41 = app.status.history.find((h: { id: number }) => h.id === 41);
  const last = app.status.history.at(-1);
  assert.equal(last.id, 43);
  assert.equal(last.revision, entry41.revision);
  assert.deepEqual(last.initiatedBy, { username: 'admin' });
  assert.equal(app.status.history.length, 10);
  assert.equal(app.status.history[0].id, 34, 'trimmed to the newest 10');
  // As upstream: the target is still main (the bad commit), so the app reads OutOfSync, and nothing re-syncs it.
  assert.equal(app.status.sync.status, 'OutOfSync');
  await new Promise((r) => setTimeout(r, 600));
  assert.deepEqual(await runningDigests(sb), [GOOD]);
  assert.equal(await kubectl(sb, ['get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), `ghcr.io/acme/catalog@${GOOD}`);
});

test('a revert on main, then auto-sync back on: Synced to the revert, same manifests, so no new deploy', async () => {
  const app = await getApp(sb);
  const bad = app.status.history.find((h: { id: number }) => h.id === 42).revision;
  const rv = await argo(sb, 'POST', '/api/sandbox/v1/revert', { app: CATALOG, revision: bad });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.match(rv.body.subject, /^Revert "catalog: bump image to 1\.5\.0/);
  assert.equal(await git(sb.configRepo.path, ['rev-parse', 'main']), rv.body.revision);
  const on = await argo(sb, 'PATCH', `/api/v1/applications/${CATALOG}`, {
    name: CATALOG,
    patchType: 'json',
    patch: JSON.stringify([{ op: 'replace', path: '/spec/syncPolicy/automated/enabled', value: true }]),
  });
  assert.equal(on.status, 200);
  await waitFor('synced to the revert', async () => {
    const a = await getApp(sb);
    return a.status.sync.status === 'Synced' && a.status.sync.revision === rv.body.revision;
  });
  await new Promise((r) => setTimeout(r, 600));
  const h = (await getApp(sb)).status.history;
  assert.equal(h.at(-1).id, 43, `upstream syncs only OutOfSync apps: the revert renders what runs: ${JSON.stringify(h.slice(-3))} ${sb.output().slice(-1500)}`);
  assert.deepEqual(await runningDigests(sb), [GOOD]);
});
