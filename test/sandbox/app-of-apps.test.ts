/**
 * The app-of-apps parent (`bookstore-apps`): its own source, the config repo's `argocd/apps`
 * folder, renders the child Application `bookstore-orders-eu-west`; with self-heal on, the parent
 * puts the child's spec back as upstream's controller does for any drifted resource.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo, getApp, git, mergePatch, sandboxSecondsPass, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const PARENT = 'bookstore-apps';
const CHILD = 'bookstore-orders-eu-west';

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

test('the parent renders the child from git and stamps its tracking annotation', async () => {
  const manifest = await git(sb.configRepo.path, ['show', `main:argocd/apps/${CHILD}.yaml`]);
  assert.match(manifest, /kind: Application/);
  assert.match(manifest, /selfHeal: true/);
  const parent = await getApp(sb, PARENT);
  assert.equal(parent.spec.source.path, 'argocd/apps');
  assert.equal(parent.spec.syncPolicy.automated.selfHeal, true);
  assert.equal(parent.status.sync.status, 'Synced');
  assert.deepEqual(parent.status.resources.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`), [`Application/${CHILD}`]);
  const child = await getApp(sb, CHILD);
  assert.equal(child.metadata.annotations['argocd.argoproj.io/tracking-id'], `${PARENT}:argoproj.io/Application:argocd/${CHILD}`);
  assert.equal(child.metadata.ownerReferences, undefined, 'a parent app is no owner reference');
});

test('disabling the child\'s auto-sync is undone by the parent\'s self-heal, which syncs only the child and adds no history', async () => {
  // A self-heal is a retry of the revision the parent last synced (appcontroller.go
  // alreadyAttemptedSync). The sandbox's start commits past the parent's seeded sync (the eu-west
  // indexer), and while the parent reads Synced nothing syncs it to that head, so drift would be
  // healed by a plain auto-sync to the new head, with a history entry. Sync the parent to its head
  // first, as an operator would, so what follows is a self-heal.
  assert.equal((await argo(sb, 'POST', `/api/v1/applications/${PARENT}/sync`, {})).status, 200);
  const before = await waitFor('parent synced at its head', async () => {
    const p = await getApp(sb, PARENT);
    return p.status.operationState?.phase === 'Succeeded' && p.status.operationState.syncResult?.revision === p.status.sync.revision ? p : undefined;
  });
  const r = await mergePatch(sb, CHILD, { spec: { syncPolicy: { automated: { enabled: false } } } });
  assert.equal(r.status, 200);
  // The PATCH took (so "put back" below is the parent's doing, not a PATCH that never applied).
  assert.equal((r.body as { spec: { syncPolicy: { automated: { enabled: boolean } } } }).spec.syncPolicy.automated.enabled, false);
  await waitFor('child put back', async () => (await getApp(sb, CHILD)).spec.syncPolicy.automated.enabled === true);
  const parent = await waitFor('parent self-heal done', async () => {
    const p = await getApp(sb, PARENT);
    return p.status.operationState?.phase === 'Succeeded' && p.status.operationState.operation.sync.selfHealAttemptsCount >= 1 ? p : undefined;
  });
  assert.deepEqual(parent.status.operationState.operation.sync.resources, [{ group: 'argoproj.io', kind: 'Application', name: CHILD, namespace: 'argocd' }]);
  assert.deepEqual(parent.status.history, before.status.history, 'a self-heal appends no history entry');
});

test('with the parent\'s self-heal off, the child keeps the change and the parent reads OutOfSync', async () => {
  assert.equal((await mergePatch(sb, PARENT, { spec: { syncPolicy: { automated: { selfHeal: false } } } })).status, 200);
  assert.equal((await mergePatch(sb, CHILD, { spec: { syncPolicy: { automated: { enabled: false } } } })).status, 200);
  await waitFor('parent OutOfSync', async () => (await getApp(sb, PARENT)).status.sync.status === 'OutOfSync');
  await sandboxSecondsPass(sb, 15, PARENT);
  assert.equal((await getApp(sb, CHILD)).spec.syncPolicy.automated.enabled, false);
});
