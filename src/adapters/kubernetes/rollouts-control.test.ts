/**
 * Conformance with the `kubectl argo rollouts` plugin: the requests rewind sends for abort, retry,
 * promote and undo are the plugin's, byte for byte, on the same URLs with the same content types,
 * including the fall-back to the main resource when the status subresource answers 404. The
 * expected strings are the constants of argoproj/argo-rollouts
 * `pkg/kubectl-argo-rollouts/cmd/abort/abort.go` (`abortPatch`), `cmd/retry/retry.go`
 * (`retryRolloutPatch`), `cmd/promote/promote.go` (`promoteFullPatch`, `unpausePatch`,
 * `clearPauseConditionsPatch`, `clearPauseConditionsPatchWithStep`) and `cmd/undo/undo.go`
 * (`getRolloutPatch`: one JSON-patch `replace` of `/spec/template`, the hash label removed).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import type { WorkloadRef } from '../../core/domain.ts';
import { startFakeHttpServer, type FakeHandler, type FakeHttpServer } from '../../testing/fake-http-server.ts';
import { generateSandboxTls, type SandboxTls } from '../../testing/test-tls.ts';
import { abortPatch, createKubernetesArgoRollouts, promotePatches } from './rollouts-control.ts';

const NS = 'bookstore-platform-acme-books';
const ref: WorkloadRef = { cluster: 'us-east', namespace: NS, kind: 'Rollout', name: 'catalog' };
const RO_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts/catalog`;
let pki: SandboxTls;
const servers: FakeHttpServer[] = [];
before(() => {
  pki = generateSandboxTls();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function control(handler: FakeHandler) {
  const server = await startFakeHttpServer(handler, pki);
  servers.push(server);
  const kc = new KubeConfig();
  kc.loadFromString(`apiVersion: v1
kind: Config
clusters:
- name: us-east
  cluster: { server: "${server.url}", certificate-authority-data: ${Buffer.from(pki.caCert).toString('base64')} }
users:
- name: rewind
  user: { token: kube-token }
contexts:
- name: us-east
  context: { cluster: us-east, user: rewind }
current-context: us-east
`);
  return { server, ro: createKubernetesArgoRollouts({ context: 'us-east', kubeConfig: kc }) };
}
const sent = (s: FakeHttpServer) => s.requests.map((r) => ({ method: r.method, path: r.path.split('?')[0], type: r.headers['content-type'], body: r.body }));

test('the plugin\'s constants', () => {
  assert.equal(abortPatch(true), '{"status":{"abort":true}}');
  assert.equal(abortPatch(false), '{"status":{"abort":false}}');
  const updating = { spec: { strategy: { canary: { steps: [{}, {}, {}] } } }, status: { currentPodHash: 'b', stableRS: 'a', currentStepIndex: 1 } };
  assert.deepEqual(promotePatches(updating, true), { status: '{"status":{"promoteFull":true}}' });
  assert.deepEqual(promotePatches({ ...updating, status: { currentPodHash: 'a', stableRS: 'a' } }, true), {}, 'promote --full of a stable Rollout sends nothing');
  assert.deepEqual(promotePatches({ spec: { paused: true, strategy: { canary: {} } }, status: { pauseConditions: [{ reason: 'CanaryPauseStep' }] } }, false), {
    unified: '{"spec":{"paused":false},"status":{"pauseConditions":null}}', spec: '{"spec":{"paused":false}}', status: '{"status":{"pauseConditions":null}}',
  });
  assert.deepEqual(promotePatches(updating, false), {
    unified: '{"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":2}}', status: '{"status":{"pauseConditions":null, "currentStepIndex":2}}',
  });
});

test('abort: a merge patch on the status subresource', async () => {
  const { server, ro } = await control(() => ({ status: 200, body: { kind: 'Rollout' } }));
  const r = await ro.setAbort(ref, true);
  assert.deepEqual(sent(server), [{ method: 'PATCH', path: `${RO_PATH}/status`, type: 'application/merge-patch+json', body: { status: { abort: true } } }]);
  assert.equal(r.request, 'kubernetes PATCH rollouts/catalog/status (merge) {"status":{"abort":true}}');
});

test('abort and retry: the main resource when the status subresource is not found (Rollouts v0.9), as abort.go falls back', async () => {
  const { server, ro } = await control((req) => (req.path.includes('/status') ? { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } } : { status: 200, body: {} }));
  await ro.setAbort(ref, false);
  assert.deepEqual(sent(server), [
    { method: 'PATCH', path: `${RO_PATH}/status`, type: 'application/merge-patch+json', body: { status: { abort: false } } },
    { method: 'PATCH', path: RO_PATH, type: 'application/merge-patch+json', body: { status: { abort: false } } },
  ]);
});

test('promote --full: the status patch only, and only while an update is in progress', async () => {
  const rollout = { metadata: { name: 'catalog' }, spec: {}, status: { currentPodHash: 'b', stableRS: 'a' } };
  const { server, ro } = await control((req) => (req.method === 'GET' ? { status: 200, body: rollout } : { status: 200, body: rollout }));
  await ro.promote(ref, true);
  assert.deepEqual(sent(server).slice(1), [{ method: 'PATCH', path: `${RO_PATH}/status`, type: 'application/merge-patch+json', body: { status: { promoteFull: true } } }]);
});

test('undo: /spec/template replaced with the ReplicaSet\'s, the hash label removed; through workloadRef the Deployment is patched', async () => {
  const template = { metadata: { labels: { app: 'catalog', 'rollouts-pod-template-hash': '7bdb878f5d' } }, spec: { containers: [{ name: 'catalog', image: 'ghcr.io/acme/catalog:1.4.2' }] } };
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'catalog-7bdb878f5d', namespace: NS }, spec: { template } };
  const expected = [{ op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'catalog', image: 'ghcr.io/acme/catalog:1.4.2' }] } } }];
  for (const workloadRef of [undefined, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog-template' }]) {
    const rollout = { metadata: { name: 'catalog' }, spec: workloadRef ? { workloadRef } : { template } };
    const { server, ro } = await control((req) => ({ status: 200, body: req.path.includes('/replicasets/') ? rs : rollout }));
    const r = await ro.undoTo(ref, 'catalog-7bdb878f5d');
    const patch = sent(server).find((x) => x.method === 'PATCH');
    const path = workloadRef ? `/apis/apps/v1/namespaces/${NS}/deployments/catalog-template` : RO_PATH;
    assert.deepEqual(patch, { method: 'PATCH', path, type: 'application/json-patch+json', body: expected });
    assert.match(r.request, workloadRef ? /deployments\/catalog-template .*workloadRef/ : /rollouts\/catalog \(json\) replace \/spec\/template/);
  }
});

test('the hold on a Rollout (gitops: none): a JSON patch of the annotations guarded by the resourceVersion read; another run\'s hold and a concurrent write refuse', async () => {
  const hold = { runId: '20260101-000000-abcd', app: 'search', actor: 'sam', host: 'laptop', at: '2026-01-01T00:00:00Z', badRevision: 'catalog-b', saved: { syncPolicy: { automated: null } }, state: 'active' as const };
  const rollout = { metadata: { name: 'catalog', resourceVersion: '41', annotations: { team: 'search' } }, spec: {} };
  const { server, ro } = await control((req) => (req.method === 'GET' ? { status: 200, body: rollout } : { status: 200, body: rollout }));
  await ro.writeHold(ref, hold);
  assert.deepEqual(sent(server)[1], {
    method: 'PATCH', path: RO_PATH, type: 'application/json-patch+json',
    body: [{ op: 'test', path: '/metadata/resourceVersion', value: '41' }, { op: 'replace', path: '/metadata/annotations', value: { team: 'search', 'rewind.io/hold': JSON.stringify(hold) } }],
  });

  const other = { ...rollout, metadata: { ...rollout.metadata, annotations: { 'rewind.io/hold': JSON.stringify({ ...hold, runId: '20260101-000000-other' }) } } };
  const held = await control(() => ({ status: 200, body: other }));
  await assert.rejects(held.ro.writeHold(ref, hold), /20260101-000000-other/);
  assert.equal(held.server.requests.filter((r) => r.method === 'PATCH').length, 0, 'nothing written over another run\'s hold');

  const raced = await control((req) => (req.method === 'GET' ? { status: 200, body: rollout } : { status: 422, body: { kind: 'Status', code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' } }));
  await assert.rejects(raced.ro.writeHold(ref, hold), /changed while rewind wrote its hold/);
});

test('the hold survives a controller\'s status write between the read and the patch (RetryOnConflict), and sees a hold written in between', async () => {
  const hold = { runId: '20260101-000000-abcd', app: 'search', actor: 'sam', host: 'laptop', at: '2026-01-01T00:00:00Z', badRevision: 'catalog-b', saved: { syncPolicy: { automated: null } }, state: 'active' as const };
  const rollout = (rv: string, annotations: Record<string, string> = {}) => ({ metadata: { name: 'catalog', resourceVersion: rv, annotations }, spec: {} });
  let patches = 0;
  const status = await control((req) => {
    if (req.method === 'GET') return { status: 200, body: rollout(patches === 0 ? '41' : '42') };
    return ++patches === 1 ? { status: 422, body: { kind: 'Status', code: 422, reason: 'Invalid', message: 'test operation failed' } } : { status: 200, body: rollout('43') };
  });
  await status.ro.writeHold(ref, hold);
  const sentPatches = sent(status.server).filter((r) => r.method === 'PATCH') as { body: { value: unknown }[] }[];
  assert.deepEqual(sentPatches.map((p) => p.body[0]?.value), ['41', '42'], 'read again, guarded by the new resourceVersion');

  let reads = 0;
  const theirs = JSON.stringify({ ...hold, runId: '20260101-000000-other' });
  const raced = await control((req) => (req.method === 'GET' ? { status: 200, body: ++reads === 1 ? rollout('41') : rollout('42', { 'rewind.io/hold': theirs }) } : { status: 422, body: { kind: 'Status', code: 422, reason: 'Invalid', message: 'test operation failed' } }));
  await assert.rejects(raced.ro.writeHold(ref, hold), /20260101-000000-other/);
  assert.equal(raced.server.requests.filter((r) => r.method === 'PATCH').length, 1, 'the second attempt saw the other run\'s hold and wrote nothing');
});
