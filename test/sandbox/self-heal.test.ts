import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { digestOf } from '../../src/sandbox/world/images.ts';
import { selfHealDelayMs } from '../../src/sandbox/argocd/app-controller.ts';
import { argo, CATALOG, getApp, kubectl, mergePatch, runningDigests, sandboxSecondsPass, settledOn, waitFor } from './helpers.ts';

let sb: SandboxProcess;
const GOOD = digestOf('catalog', '1.4.2');
const image = (s: SandboxProcess, ctx = 'us-east') => kubectl(s, ['get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'], ctx);

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  await waitFor('catalog healthy', () => settledOn(sb, GOOD));
});
after(async () => {
  await sb?.stop();
});

test('kubectl rollout undo is reverted by self-heal within a few sandbox seconds', async () => {
  const history = await kubectl(sb, ['rollout', 'history', 'deployment/catalog']);
  assert.match(history, /^3\s/m, 'seeding left ReplicaSet history to undo to');
  const undo = await kubectl(sb, ['rollout', 'undo', 'deployment/catalog']);
  // kubectl says "skipped rollback" when nothing would change; "rolled back" means it patched the
  // template. (Reading the image now would race self-heal, which takes ~0.4 s real at 20x.)
  assert.match(undo, /rolled back/);
  // No wall-clock bound here: how fast self-heal reacts is measured in sandbox time by the bench.
  await waitFor('self-heal', async () => (await image(sb)) === `ghcr.io/acme/catalog@${GOOD}`);
  await waitFor('pods back on the good digest', () => settledOn(sb, GOOD));
  // Two template changes happened: the undo (revision 4, the old ReplicaSet reused) and self-heal's
  // re-apply of the good template (revision 5).
  const revision = await kubectl(sb, ['get', 'deployment/catalog', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']);
  assert.ok(Number(revision) >= 5, `revision ${revision}: the undo and the self-heal each rolled the Deployment`);
  // The branch moved past the seeded deploy (commits for other apps), so, as upstream without
  // manifest-generate-paths, this first fix is an auto-sync to the new head, with a history entry.
  const app = await getApp(sb);
  assert.deepEqual(app.status.history.at(-1).initiatedBy, { automated: true });
  assert.equal(app.status.operationState.operation.sync.selfHealAttemptsCount, undefined, 'an auto-sync, not a self-heal');
});

test('kubectl set image in eu-west is reverted too', async () => {
  const good = digestOf('catalog', '1.4.2');
  await kubectl(sb, ['set', 'image', 'deployment/catalog', 'catalog=ghcr.io/acme/catalog:hotfix'], 'eu-west');
  await waitFor('eu-west self-heal', async () => (await image(sb, 'eu-west')) === `ghcr.io/acme/catalog@${good}`);
});

test('self-heal backs off as since v2.14 (at once, then 2 s, 6 s, 18 s after the previous attempt), syncs only the drifted Deployment, appends no history', async () => {
  const before = await getApp(sb);
  let prev = before.status.operationState;
  // The first test's fix synced the head: from now on, drift at the same commit is self-healed.
  assert.equal(prev.syncResult.revision, before.status.sync.revision);
  for (const n of [1, 2, 3, 4]) {
    await kubectl(sb, ['set', 'image', 'deployment/catalog', `catalog=ghcr.io/acme/catalog:drift-${n}`]);
    const op = await waitFor(`self-heal #${n}`, async () => {
      const s = (await getApp(sb)).status.operationState;
      return s.operation.sync.selfHealAttemptsCount === n && s.phase === 'Succeeded' ? s : undefined;
    });
    const gap = Date.parse(op.startedAt) - Date.parse(prev.finishedAt);
    // The first attempt is immediate (upstream: no back-off before attempt 1), so its gap proves
    // nothing; from the second on, each waited at least its back-off in sandbox time.
    if (n > 1) assert.ok(gap >= selfHealDelayMs(n - 1), `attempt ${n} started ${gap} sandbox ms after attempt ${n - 1} finished; the back-off is ${selfHealDelayMs(n - 1)}`);
    assert.deepEqual(op.operation.sync.resources, [{ group: 'apps', kind: 'Deployment', name: 'catalog', namespace: 'bookstore-platform-acme-books' }]);
    prev = op;
  }
  await waitFor('image back', async () => (await image(sb)) === `ghcr.io/acme/catalog@${GOOD}`);
  assert.deepEqual((await getApp(sb)).status.history, before.status.history, 'self-heal appends no history entry');
});

test('with selfHeal off, drift stays and the app reads OutOfSync', async () => {
  const r = await argo(sb, 'PATCH', '/api/v1/applications/bookstore-orders-us-east', {
    name: 'bookstore-orders-us-east',
    patchType: 'merge',
    patch: JSON.stringify({ spec: { syncPolicy: { automated: { selfHeal: false } } } }),
  });
  assert.equal(r.status, 200);
  // Sync once at HEAD so the last sync is this commit (otherwise auto-sync, not self-heal, fixes drift: upstream does the same).
  await waitFor('orders synced', async () => (await getApp(sb, 'bookstore-orders-us-east')).status.sync.status === 'Synced');
  const s = await argo(sb, 'POST', '/api/v1/applications/bookstore-orders-us-east/sync', {});
  assert.equal(s.status, 200);
  await waitFor('manual sync done', async () => {
    const op = (await getApp(sb, 'bookstore-orders-us-east')).status.operationState;
    return op.operation.initiatedBy.username === 'admin' && op.phase === 'Succeeded';
  });
  await kubectl(sb, ['set', 'image', 'deployment/orders', 'orders=ghcr.io/acme/orders:debug']);
  await waitFor('OutOfSync', async () => (await getApp(sb, 'bookstore-orders-us-east')).status.sync.status === 'OutOfSync');
  await sandboxSecondsPass(sb, 15, 'bookstore-orders-us-east');
  assert.equal(await kubectl(sb, ['get', 'deploy', 'orders', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'ghcr.io/acme/orders:debug');
  assert.ok((await runningDigests(sb, 'orders')).length >= 1);
});

// argo-cd util/argo/normalizers/diff_normalizer.go and controller/sync.go normalizeTargetResources:
// what a Rollout's workloadRef.scaleDown meets when Argo CD tracks the Deployment it scales to 0.
test('ignoreDifferences on /spec/replicas: a scaled Deployment stays Synced and self-heal leaves it; a sync puts git\'s replicas back unless RespectIgnoreDifferences=true', async () => {
  const replicas = async (): Promise<number> => Number(await kubectl(sb, ['get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.replicas}']));
  const git = await replicas();
  assert.ok(git > 1, `catalog runs ${git} replicas as git says`);
  // Without a rule: drift on replicas is drift, and self-heal scales it back.
  await kubectl(sb, ['scale', 'deploy/catalog', '--replicas=0']);
  await waitFor('self-heal restores the replicas', async () => (await replicas()) === git);

  assert.equal((await mergePatch(sb, CATALOG, { spec: { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] } })).status, 200);
  await kubectl(sb, ['scale', 'deploy/catalog', '--replicas=0']);
  await sandboxSecondsPass(sb, 10);
  assert.equal(await replicas(), 0, 'self-heal left the ignored field');
  assert.equal((await getApp(sb)).status.sync.status, 'Synced');

  const sync = async (syncOptions?: string[]): Promise<void> => {
    const before = (await getApp(sb)).status.operationState?.startedAt as string | undefined;
    const r = await argo(sb, 'POST', `/api/v1/applications/${CATALOG}/sync`, syncOptions ? { syncOptions: { items: syncOptions } } : {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await waitFor('the sync done', async () => {
      const s = (await getApp(sb)).status.operationState;
      // Told apart from the one before by its options (startedAt has second precision).
      return s.startedAt !== before && s.phase === 'Succeeded' && !s.operation.sync.resources && (s.operation.sync.syncOptions ?? []).includes('RespectIgnoreDifferences=true') === (syncOptions !== undefined);
    });
  };
  await sync(['RespectIgnoreDifferences=true']);
  assert.equal(await replicas(), 0, 'RespectIgnoreDifferences: the sync kept the live replicas');
  await sync();
  assert.equal(await replicas(), git, 'a plain sync applies git\'s replicas, ignored or not');
  assert.equal((await mergePatch(sb, CATALOG, { spec: { ignoreDifferences: null } })).status, 200);
});
