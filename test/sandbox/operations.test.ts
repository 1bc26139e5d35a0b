/**
 * Argo CD operations in the sandbox, over the API, as upstream runs them: SetAppOperation's
 * refusal and its clearing of operationState (util/argo/argo.go), the PreSync hook that a sync
 * runs and a rollback (apply strategy) skips, and a sync that fails after a partial apply:
 * auto-sync's five retries, then Failed with no history entry (controller/sync.go,
 * controller/appcontroller.go processRequestedAppOperation).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { digestOf } from '../../src/sandbox/world/images.ts';
import { argo, CATALOG, getApp, kubectl, mergePatch, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const ORDERS = 'bookstore-orders-us-east';
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

type Result = { kind: string; name: string; hookType?: string; hookPhase: string; syncPhase: string; status: string };
const hooksOf = (op: { syncResult?: { resources: Result[] } }) => (op.syncResult?.resources ?? []).filter((r) => r.hookType);
const phaseDone = (p: string) => p === 'Succeeded' || p === 'Failed' || p === 'Error';

test('a sync runs the PreSync migration Job; setting the operation clears the previous operationState', async () => {
  const s = await argo(sb, 'POST', `/api/v1/applications/${ORDERS}/sync`, {});
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.operation.initiatedBy.username, 'admin');
  assert.equal(s.body.status.operationState, undefined, 'SetAppOperation clears the previous state');
  const op = await waitFor('sync done', async () => {
    const o = (await getApp(sb, ORDERS)).status.operationState;
    return o?.operation.initiatedBy.username === 'admin' && phaseDone(o.phase) ? o : undefined;
  });
  assert.equal(op.phase, 'Succeeded');
  assert.deepEqual(hooksOf(op).map((h) => [h.kind, h.name, h.hookType, h.hookPhase, h.syncPhase]), [['Job', 'orders-db-migrate', 'PreSync', 'Succeeded', 'PreSync']]);
  const app = await getApp(sb, ORDERS);
  assert.ok(app.status.resources.some((r: { kind: string }) => r.kind === 'Deployment'), 'the app compares its resources');
  assert.ok(!app.status.resources.some((r: { kind: string }) => r.kind === 'Job'), 'hooks are not compared');
});

test('a rollback (apply strategy) does not run the hook', async () => {
  assert.equal((await mergePatch(sb, ORDERS, { spec: { syncPolicy: { automated: { enabled: false } } } })).status, 200);
  const app = await getApp(sb, ORDERS);
  const target = app.status.history.at(-2);
  const rb = await argo(sb, 'POST', `/api/v1/applications/${ORDERS}/rollback`, { id: target.id });
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  assert.deepEqual(rb.body.operation.sync.syncStrategy, { apply: {} });
  const op = await waitFor('rollback done', async () => {
    const o = (await getApp(sb, ORDERS)).status.operationState;
    return o?.operation.sync.syncStrategy && phaseDone(o.phase) ? o : undefined;
  });
  assert.equal(op.phase, 'Succeeded');
  // The rollback applied resources (so "no hook" is not just "no result"), none of them a hook.
  assert.ok((op.syncResult?.resources ?? []).some((r: Result) => r.kind === 'Deployment'), JSON.stringify(op.syncResult));
  assert.deepEqual(hooksOf(op), []);
  assert.equal((await getApp(sb, ORDERS)).status.history.at(-1).revision, target.revision);
});

test('partial-sync: the image is applied, the next object fails; auto-sync retries, others meet "another operation is already in progress"; then Failed, no history entry', async () => {
  const before = await getApp(sb);
  // The break waits for the deploy; it does not come, so do not wait on it here.
  const broke = argo(sb, 'POST', '/api/sandbox/v1/break', { app: CATALOG, scenario: 'partial-sync' });
  const retrying = await waitFor('a retry pending', async () => {
    const o = (await getApp(sb)).status.operationState;
    return o?.phase === 'Running' && (o.retryCount ?? 0) >= 1 && o.finishedAt ? o : undefined;
  });
  assert.match(retrying.message, /one or more objects failed to apply, reason: Deployment\/catalog-worker: .*selector.*\. Retrying attempt #\d+ at \d+:\d\d[AP]M\./);
  assert.equal((await mergePatch(sb, CATALOG, { spec: { syncPolicy: { automated: { enabled: false } } } })).status, 200);
  const rb = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: 41 });
  assert.equal(rb.status, 400);
  assert.deepEqual(rb.body, { error: 'error setting app operation: another operation is already in progress', code: 9, message: 'error setting app operation: another operation is already in progress' });
  const sync = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/sync`, {});
  assert.equal(sync.status, 400);
  assert.match(sync.body.message, /another operation is already in progress/);

  const brk = await broke;
  assert.equal(brk.status, 200);
  assert.equal(brk.body.deployed, false);
  const failed = await waitFor('retries exhausted', async () => {
    const a = await getApp(sb);
    return a.status.operationState?.phase === 'Failed' && !a.operation ? a : undefined;
  }, 60_000);
  assert.equal(failed.status.operationState.retryCount, 5);
  assert.match(failed.status.operationState.message, /\(retried 5 times\)\.$/);
  assert.deepEqual(failed.status.history, before.status.history, 'a failed sync appends no history entry');
  const image = await kubectl(sb, ['get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  assert.equal(image, `ghcr.io/acme/catalog@${digestOf('catalog', '1.5.0')}`, 'what was applied before the failure stays applied');

  // The operation is over: a rollback is accepted now and lands the last good deploy.
  const ok = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/rollback`, { id: 41 });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const done = await waitFor('rollback done', async () => {
    const a = await getApp(sb);
    return a.status.operationState?.operation.sync.syncStrategy && phaseDone(a.status.operationState.phase) ? a : undefined;
  });
  assert.equal(done.status.operationState.phase, 'Succeeded');
  assert.equal(done.status.history.at(-1).id, before.status.history.at(-1).id + 1);
});
