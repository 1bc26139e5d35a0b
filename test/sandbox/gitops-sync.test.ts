import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { digestOf } from '../../src/sandbox/world/images.ts';
import { CATALOG, getApp, git, kubectl, runningDigests, settledOn, waitFor } from './helpers.ts';

let sb: SandboxProcess;
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

test('starts with the seeded history: ids up to 41, real commits, dates relative to now', async () => {
  const app = await getApp(sb);
  const history = app.status.history as { id: number; revision: string; deployedAt: string; initiatedBy: { automated?: boolean } }[];
  assert.deepEqual(history.map((h) => h.id), [32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
  for (const h of history) assert.equal(await git(sb.configRepo.path, ['cat-file', '-t', h.revision]), 'commit');
  const ageH = (Date.now() - Date.parse(history.at(-1)!.deployedAt)) / 3600_000;
  assert.ok(ageH > 2 && ageH < 5, `id 41 landed ${ageH.toFixed(1)} h ago`);
  assert.equal(app.spec.syncPolicy.automated.selfHeal, true);
  assert.equal(app.status.sync.status, 'Synced');
  assert.equal(app.status.operationState.phase, 'Succeeded');
  await waitFor('catalog healthy on 1.4.2', () => settledOn(sb, digestOf('catalog', '1.4.2')));
});

test('a commit pushed to the tracked branch rolls out a new ReplicaSet and new pod digests, and adds history', async () => {
  const before = await getApp(sb);
  const rsBefore = (await kubectl(sb, ['get', 'rs', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/);
  const clone = await mkdtemp(join(tmpdir(), 'rewind-clone-'));
  try {
    await git(clone, ['clone', '--quiet', sb.configRepo.path, '.']);
    const file = join(clone, 'apps/catalog/us-east/kustomization.yaml');
    const text = await readFile(file, 'utf8');
    const next = digestOf('catalog', '1.3.2');
    await writeFile(file, text.replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${next}`));
    await git(clone, ['commit', '--quiet', '-am', 'catalog: pin 1.3.2 in us-east while 1.4.2 is investigated']);
    await git(clone, ['push', '--quiet', 'origin', 'HEAD:main']);
    const pushed = await git(clone, ['rev-parse', 'HEAD']);

    await waitFor('pods on the new digest', () => settledOn(sb, next));
    const rsAfter = (await kubectl(sb, ['get', 'rs', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/);
    const podsRs = (await kubectl(sb, ['get', 'pods', '-l', 'app=catalog', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].name}'])).split(/\s+/);
    assert.equal(new Set(podsRs).size, 1);
    assert.ok(!rsBefore.includes(podsRs[0]!), 'the pods belong to a new ReplicaSet');
    assert.equal(rsAfter.length, rsBefore.length + 1);
    assert.equal(await kubectl(sb, ['get', 'deploy', 'catalog', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), `ghcr.io/acme/catalog@${next}`);

    const app = await getApp(sb);
    const last = app.status.history.at(-1);
    assert.equal(last.id, before.status.history.at(-1).id + 1);
    assert.equal(last.revision, pushed);
    assert.deepEqual(last.initiatedBy, { automated: true });
    assert.equal(app.status.history.length, 10, 'trimmed to revisionHistoryLimit');
    assert.equal(app.status.sync.revision, pushed);
    assert.ok(app.status.summary.images.includes(`ghcr.io/acme/catalog@${next}`), JSON.stringify(app.status.summary.images));
    assert.ok(!app.status.summary.images.includes(`ghcr.io/acme/catalog@${digestOf('catalog', '1.4.2')}`));
    assert.deepEqual(await runningDigests(sb, 'orders'), [digestOf('orders', '2.8.0')], 'other apps untouched (orders pins the tag 2.8.0)');
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
});

test('resource tree and live resource: Deployment -> ReplicaSets -> Pods with imageID', async () => {
  const { argo } = await import('./helpers.ts');
  const tree = await argo(sb, 'GET', `/api/v1/applications/${CATALOG}/resource-tree`);
  assert.equal(tree.status, 200);
  const nodes = tree.body.nodes as { kind: string; name: string; parentRefs?: { kind: string }[]; images?: string[] }[];
  assert.ok(nodes.some((n) => n.kind === 'Deployment' && n.name === 'catalog'));
  assert.ok(nodes.some((n) => n.kind === 'ReplicaSet' && n.parentRefs?.[0]?.kind === 'Deployment'));
  const pod = nodes.find((n) => n.kind === 'Pod')!;
  assert.equal(pod.parentRefs?.[0]?.kind, 'ReplicaSet');
  const live = await argo(sb, 'GET', `/api/v1/applications/${CATALOG}/resource?namespace=bookstore-platform-acme-books&resourceName=${pod.name}&version=v1&kind=Pod&group=`);
  assert.equal(live.status, 200);
  const manifest = JSON.parse(live.body.manifest);
  assert.match(manifest.status.containerStatuses[0].imageID, /^ghcr\.io\/acme\/catalog@sha256:[0-9a-f]{64}$/);
  const missing = await argo(sb, 'GET', `/api/v1/applications/${CATALOG}/resource?namespace=bookstore-platform-acme-books&resourceName=orders&version=v1&kind=Deployment&group=apps`);
  assert.equal(missing.status, 404);
});
