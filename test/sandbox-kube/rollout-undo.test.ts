/**
 * rewind's `rollout undo` (the Kubernetes adapter's RolloutControl) against the sandbox's
 * Kubernetes API over verified TLS, and the real kubectl beside it: the same ReplicaSet chosen,
 * the same JSON patch on the wire, kubectl's refusals, and what revisionHistoryLimit pruned.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubernetesRolloutControl } from '../../src/adapters/kubernetes/index.ts';
import type { WorkloadRef } from '../../src/core/domain.ts';
import { NotFoundError, RefusedError } from '../../src/core/errors.ts';
import { HOLD_ANNOTATION, type Hold } from '../../src/core/hold.ts';
import type { RolloutControl } from '../../src/core/ports.ts';
import { chooseUndoTarget } from '../../src/core/rollout-history.ts';
import { deploymentManifest, KUBECTL_CURRENT, NAMESPACE, startHarness, waitFor, type Harness } from './harness.ts';

const image = (app: string, v: string): string => `ghcr.io/acme/${app}:${v}`;
const ref = (name: string): WorkloadRef => ({ cluster: 'us-east', namespace: NAMESPACE, kind: 'Deployment', name });
const hold = (runId: string): Hold => ({ runId, app: 'search', actor: 'alice', host: 'laptop', at: '2026-05-20T14:00:00Z', badRevision: 'revision 3', saved: { syncPolicy: { automated: null } }, state: 'active' });

describe('rollout undo through the Kubernetes API (sandbox)', () => {
  let h: Harness;
  let kube: RolloutControl;
  /** PATCH bodies seen by a recording TLS proxy in front of the API, by path. */
  const patches: { path: string; contentType: string; body: string }[] = [];
  let proxy: Server;
  let proxyConfig: string;

  const path = (name: string) => `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`;
  const deployment = async (name: string): Promise<any> => (await h.call('us-east', 'GET', path(name))).body;
  const rolledOut = (name: string) =>
    waitFor(`${name} rolled out`, async () => {
      const d = await deployment(name);
      const s = d.status ?? {};
      return s.observedGeneration >= d.metadata.generation && s.updatedReplicas === d.spec.replicas && s.availableReplicas === d.spec.replicas && s.replicas === d.spec.replicas;
    }, 30_000);
  /** Ships `versions` one after another, as CI would with `kubectl set image`: one revision each. */
  const ship = async (name: string, versions: readonly string[], extra: Record<string, unknown> = {}): Promise<void> => {
    const manifest = deploymentManifest(name, image(name, versions[0]!), 2) as { spec: Record<string, unknown> };
    Object.assign(manifest.spec, extra);
    assert.equal((await h.call('us-east', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, manifest)).status, 201);
    await rolledOut(name);
    for (const v of versions.slice(1)) {
      const r = await h.call('us-east', 'PATCH', path(name), [
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: image(name, v) },
        { op: 'replace', path: '/metadata/annotations/kubernetes.io~1change-cause', value: `deploy ${image(name, v)}` },
      ], 'application/json-patch+json');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await rolledOut(name);
    }
  };
  const kubectl = async (...args: string[]) => {
    const r = await h.kubectl(KUBECTL_CURRENT, ['--kubeconfig', proxyConfig, ...args]);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    h = await startHarness({ speed: 25 });
    assert.equal((await h.call('us-east', 'POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } })).status, 201);
    // A recording proxy (same certificate, so clients still verify the sandbox CA).
    const upstream = new URL(h.api.urlFor('us-east'));
    proxy = createServer({ cert: h.tls.cert, key: h.tls.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.method === 'PATCH') patches.push({ path: (req.url ?? '').split('?')[0]!, contentType: req.headers['content-type'] ?? '', body: body.toString('utf8') });
        const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: upstream.pathname + (req.url ?? ''), headers: { ...req.headers, host: upstream.host }, ca: h.tls.caCert }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    proxyConfig = join(h.dir, 'kubeconfig-proxy');
    writeFileSync(proxyConfig, readFileSync(h.kubeconfig, 'utf8').replaceAll(h.api.urlFor('us-east'), `https://127.0.0.1:${port}`), { mode: 0o600 });
    kube = createKubernetesRolloutControl({ kubeconfigPath: proxyConfig, context: 'us-east' });
  });
  after(async () => {
    proxy?.close();
    await h?.stop();
  });

  const needKubectl = existsSync(KUBECTL_CURRENT) ? false : process.env['CI'] ? false : `${KUBECTL_CURRENT} is not installed`;
  it('sends the JSON patch kubectl sends, for the ReplicaSet kubectl picks', { skip: needKubectl }, async () => {
    assert.ok(existsSync(KUBECTL_CURRENT), `${KUBECTL_CURRENT} is missing in CI (.ci/run installs kubectl)`);
    await Promise.all([ship('twin-a', ['1.0', '1.1', '1.2']), ship('twin-b', ['1.0', '1.1', '1.2'])]);
    const history = await kube.history(ref('twin-b'));
    assert.deepEqual(history.revisions.map((r) => [r.revision, r.images[0]?.image, r.matchesCurrent]), [[3, image('twin-b', '1.2'), true], [2, image('twin-b', '1.1'), false], [1, image('twin-b', '1.0'), false]]);
    assert.equal(history.observedGeneration, history.generation, 'the same read\'s status.observedGeneration, which the undo proposal checks');
    const choice = chooseUndoTarget('twin-b', history);
    assert.ok(choice.ok);
    assert.equal(choice.target.revision, 2, 'the previous revision, as kubectl picks it');

    patches.length = 0;
    assert.match(await kubectl('rollout', 'undo', 'deployment/twin-a'), /rolled back/);
    assert.deepEqual(await kube.undo(ref('twin-b'), choice.target.revision), { outcome: 'rolled-back', message: 'rolled back' });
    const [theirs, ours] = [patches.find((p) => p.path.endsWith('/twin-a')), patches.find((p) => p.path.endsWith('/twin-b'))];
    assert.ok(theirs && ours, `both patches seen: ${patches.map((p) => p.path).join(', ')}`);
    assert.equal(ours.contentType, theirs.contentType);
    assert.equal(ours.contentType, 'application/json-patch+json');
    assert.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body.replaceAll('twin-a', 'twin-b')));
    await Promise.all([rolledOut('twin-a'), rolledOut('twin-b')]);
    const [a, b] = await Promise.all([deployment('twin-a'), deployment('twin-b')]);
    assert.equal(b.spec.template.spec.containers[0].image, image('twin-b', '1.1'));
    assert.equal(b.metadata.annotations['deployment.kubernetes.io/revision'], a.metadata.annotations['deployment.kubernetes.io/revision']);
    assert.equal(b.metadata.annotations['deployment.kubernetes.io/revision'], '4', 'the old ReplicaSet comes back re-numbered');
    assert.equal(b.metadata.annotations['kubernetes.io/change-cause'], `deploy ${image('twin-b', '1.1')}`);
  });

  it('skips, in kubectl\'s words, when the template already matches the revision', async () => {
    await ship('same', ['1.0', '1.1']);
    patches.length = 0;
    assert.deepEqual(await kube.undo(ref('same'), 2), { outcome: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
    assert.deepEqual(patches, [], 'nothing was sent');
  });

  it('refuses a paused Deployment with kubectl\'s advice, and changes nothing', async () => {
    await ship('paused', ['1.0', '1.1']);
    assert.equal((await h.call('us-east', 'PATCH', path('paused'), [{ op: 'add', path: '/spec/paused', value: true }], 'application/json-patch+json')).status, 200);
    assert.equal((await kube.history(ref('paused'))).paused, true);
    patches.length = 0;
    await assert.rejects(kube.undo(ref('paused'), 1), (e: unknown) => e instanceof RefusedError && /you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again/.test(e.message));
    assert.deepEqual(patches, []);
    assert.equal((await deployment('paused')).spec.template.spec.containers[0].image, image('paused', '1.1'));
  });

  it('says what revisionHistoryLimit pruned when the revision is gone, as kubectl cannot', async () => {
    await ship('pruned', ['1.0', '1.1', '1.2', '1.3'], { revisionHistoryLimit: 1 });
    const history = await waitFor('the controller to prune old ReplicaSets', async () => {
      const x = await kube.history(ref('pruned'));
      return x.revisions.length === 2 && x;
    });
    assert.deepEqual(history.revisions.map((r) => r.revision), [4, 3]);
    await assert.rejects(kube.undo(ref('pruned'), 1), (e: unknown) =>
      e instanceof NotFoundError && /unable to find specified revision 1 in history of deployment "pruned": revisionHistoryLimit=1 keeps only the 1 newest old ReplicaSets, so revision 1 was pruned \(it keeps revisions 4, 3\)/.test(e.message));
  });

  it('prunes a paused Deployment\'s history too when revisionHistoryLimit is lowered (kubernetes sync.go)', async () => {
    await ship('paused-prune', ['1.0', '1.1', '1.2']);
    assert.equal((await kube.history(ref('paused-prune'))).revisions.length, 3);
    const r = await h.call('us-east', 'PATCH', path('paused-prune'), [{ op: 'add', path: '/spec/paused', value: true }, { op: 'replace', path: '/spec/revisionHistoryLimit', value: 0 }], 'application/json-patch+json');
    assert.equal(r.status, 200);
    const pruned = await waitFor('the paused Deployment pruned', async () => {
      const x = await kube.history(ref('paused-prune'));
      return x.revisions.length === 1 && x;
    });
    assert.deepEqual(pruned.revisions.map((x) => x.revision), [3]);
    assert.deepEqual(chooseUndoTarget('paused-prune', pruned), { ok: false, reason: 'no rollout history found for deployment "paused-prune": revisionHistoryLimit=0 pruned every old ReplicaSet (it keeps revisions 3); with revisionHistoryLimit of 1 or more, revision 2 would still be there' });
  });

  it('has nowhere to go on a Deployment with one revision, and says so', async () => {
    await ship('fresh', ['1.0']);
    const choice = chooseUndoTarget('fresh', await kube.history(ref('fresh')));
    assert.deepEqual(choice, { ok: false, reason: 'no rollout history found for deployment "fresh": it has only ever had one revision, so there is nowhere to go back to' });
  });

  it('holds the Deployment: another run is refused, the undo keeps the hold, and a stale hold on an old ReplicaSet never comes back', async () => {
    await ship('held', ['1.0', '1.1']);
    await kube.writeHold(ref('held'), hold('run-1'));
    await assert.rejects(kube.writeHold(ref('held'), hold('run-2')), (e: unknown) => e instanceof RefusedError && /held by run run-1 \(alice@laptop/.test(e.message));
    // The controller copies Deployment annotations onto the current ReplicaSet (and never takes them off).
    const withHold = await waitFor('the hold copied to the current ReplicaSet', async () => {
      const list = (await h.call('us-east', 'GET', `/apis/apps/v1/namespaces/${NAMESPACE}/replicasets?labelSelector=app%3Dheld`)).body.items as any[];
      return list.find((rs) => rs.metadata.annotations[HOLD_ANNOTATION] !== undefined);
    });
    assert.equal(withHold.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.equal((await kube.undo(ref('held'), 1)).outcome, 'rolled-back');
    assert.match((await deployment('held')).metadata.annotations[HOLD_ANNOTATION] ?? '', /"runId":"run-1"/, 'kubectl would have replaced the annotations and dropped the hold');
    await rolledOut('held');
    await kube.clearHold(ref('held'), 'run-1');
    assert.equal((await kube.history(ref('held'))).hold, undefined);
    // Back to the ReplicaSet that still carries run-1's hold: kubectl would copy it onto the Deployment.
    const back = (await kube.history(ref('held'))).revisions.find((r) => r.images[0]?.image === image('held', '1.1'));
    assert.ok(back);
    await kube.undo(ref('held'), back.revision);
    assert.equal((await deployment('held')).metadata.annotations[HOLD_ANNOTATION], undefined);
  });
});
