/**
 * The real kubectl (the one on PATH, and an older one from the Cloud SDK) against the
 * sandbox's Kubernetes API over verified TLS with a bearer token: the commands a rollback
 * runbook uses must behave as against a real cluster.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveImageId } from '../../src/sandbox/kube/index.ts';
import { deploymentManifest, KUBECTL_CURRENT, KUBECTL_OLD, NAMESPACE, startHarness, waitFor, type Harness } from './harness.ts';

const DEPLOYS = ['catalog', 'orders', 'payments'];
const image = (app: string, v: string): string => `ghcr.io/acme/${app}:${v}`;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

for (const bin of [KUBECTL_CURRENT, KUBECTL_OLD]) {
  describe(`kubectl ${bin}`, { skip: !existsSync(bin) && `${bin} is not installed` }, () => {
    let h: Harness;
    const kubectl = async (...args: string[]): Promise<string> => {
      const r = await h.kubectl(bin, args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}`);
      return r.stdout;
    };
    const deployment = async (name: string): Promise<any> => (await h.call('us-east', 'GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`)).body;
    const replicaSets = async (app: string): Promise<any[]> =>
      (await h.call('us-east', 'GET', `/apis/apps/v1/namespaces/${NAMESPACE}/replicasets?labelSelector=app%3D${app}`)).body.items;
    const podImageIds = async (app: string): Promise<string[]> =>
      (await kubectl('get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.status.containerStatuses[0].imageID}{"\\n"}{end}')).trim().split('\n');

    before(async () => {
      h = await startHarness({ speed: 25, imageHealth: (img) => (img.endsWith(':crash') ? 'crashloop' : 'ok') });
      assert.equal((await h.call('us-east', 'POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } })).status, 201);
      for (const app of DEPLOYS) {
        const r = await h.call('us-east', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deploymentManifest(app, image(app, '1.0')));
        assert.equal(r.status, 201);
      }
      await waitFor('the three Deployments to be available', async () => {
        for (const app of DEPLOYS) if ((await deployment(app)).status?.availableReplicas !== 3) return false;
        return true;
      });
    });
    after(() => h?.stop());

    it('rollout status on a crash-looping rollout waits, then reports the progress deadline as against a cluster', async () => {
      const manifest = deploymentManifest('crashy', image('crashy', '1.0')) as { spec: Record<string, unknown> };
      manifest.spec['progressDeadlineSeconds'] = 30;
      manifest.spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
      assert.equal((await h.call('us-east', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, manifest)).status, 201);
      await kubectl('rollout', 'status', 'deployment/crashy', '--timeout=60s');
      await kubectl('set', 'image', 'deployment/crashy', `crashy=${image('crashy', 'crash')}`);
      const r = await h.kubectl(bin, ['rollout', 'status', 'deployment/crashy', '--timeout=60s']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /Waiting for deployment "crashy" rollout to finish: 1 out of 3 new replicas have been updated/);
      assert.match(r.stderr, /error: deployment "crashy" exceeded its progress deadline/);
      const cond = (await deployment('crashy')).status.conditions.find((c: { type: string }) => c.type === 'Progressing');
      assert.deepEqual([cond.status, cond.reason], ['False', 'ProgressDeadlineExceeded']);
      // Between restarts the container runs for a moment (STATUS Running, 0/1); wait for a back-off.
      await waitFor('a Pod in CrashLoopBackOff', async () => /^crashy-\S+\s+0\/1\s+CrashLoopBackOff\s+\d+\s+\S+$/m.test(await kubectl('get', 'pods', '-l', 'app=crashy')));
      // Rolling back makes progress, which replaces the stale deadline.
      await kubectl('rollout', 'undo', 'deployment/crashy');
      await kubectl('rollout', 'status', 'deployment/crashy', '--timeout=60s');
    });

    it('lists Deployments across namespaces with server-rendered columns', async () => {
      const out = await kubectl('get', 'deploy', '-A');
      assert.match(out, /^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
      for (const app of DEPLOYS) assert.match(out, new RegExp(`^${NAMESPACE}\\s+${app}\\s+3/3\\s+3\\s+3\\s+\\d+s$`, 'm'));
    });

    it('gets one Deployment in the context namespace', async () => {
      const out = await kubectl('get', 'deploy', 'catalog');
      assert.match(out, /^catalog\s+3\/3\s+3\s+3\s+\S+$/m);
    });

    it('keeps the clusters apart: eu-west has none of us-east’s Deployments', async () => {
      const r = await h.kubectl(bin, ['--context', 'eu-west', 'get', 'deploy']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /No resources found in bookstore-platform-acme-books namespace/);
    });

    it('rolls a new image out with set image, and rollout status waits for it', async () => {
      await kubectl('set', 'image', 'deployment/catalog', `catalog=${image('catalog', '1.1')}`);
      const status = await kubectl('rollout', 'status', 'deployment/catalog', '--timeout=60s');
      assert.match(status, /deployment "catalog" successfully rolled out/);
      const rss = await replicaSets('catalog');
      assert.equal(rss.length, 2);
      const fresh = rss.find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '2');
      assert.ok(fresh, 'a ReplicaSet with revision 2');
      assert.equal(fresh.spec.template.spec.containers[0].image, image('catalog', '1.1'));
      assert.equal(fresh.metadata.name, `catalog-${fresh.metadata.labels['pod-template-hash']}`);
      assert.equal(fresh.metadata.ownerReferences[0].uid, (await deployment('catalog')).metadata.uid);
      assert.equal(rss.find((rs) => rs !== fresh).spec.replicas, 0);
      const ids = await waitFor('old pods to go', async () => {
        const list = await podImageIds('catalog');
        return list.length === 3 && list;
      });
      assert.deepEqual(ids, Array(3).fill(resolveImageId(image('catalog', '1.1'))));
    });

    it('reports a digest-pinned image as its own imageID', async () => {
      const pinned = `ghcr.io/acme/catalog@${DIGEST}`;
      await kubectl('set', 'image', 'deployment/catalog', `catalog=${pinned}`);
      await kubectl('rollout', 'status', 'deployment/catalog', '--timeout=60s');
      const ids = await waitFor('old pods to go', async () => {
        const list = await podImageIds('catalog');
        return list.length === 3 && list;
      });
      assert.deepEqual(ids, Array(3).fill(pinned));
    });

    it('shows the revisions with their change-cause in rollout history', async () => {
      const out = await kubectl('rollout', 'history', 'deployment/catalog');
      assert.match(out, /^1\s+deploy ghcr\.io\/acme\/catalog:1\.0$/m);
      assert.match(out, /^2\s/m);
      assert.match(out, /^3\s/m);
      const detail = await kubectl('rollout', 'history', 'deployment/catalog', '--revision=2');
      assert.match(detail, /Image:\s+ghcr\.io\/acme\/catalog:1\.1/);
    });

    it('rolls back with rollout undo --to-revision: the old ReplicaSet comes back as a new revision', async () => {
      const original = (await replicaSets('catalog')).find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '1');
      const out = await kubectl('rollout', 'undo', 'deployment/catalog', '--to-revision=1');
      assert.match(out, /rolled back/);
      await kubectl('rollout', 'status', 'deployment/catalog', '--timeout=60s');
      const rss = await replicaSets('catalog');
      assert.equal(rss.length, 3, 'no new ReplicaSet: the revision-1 one is reused');
      const back = rss.find((rs) => rs.metadata.name === original.metadata.name);
      assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision'], '4');
      assert.equal(back.spec.replicas, 3);
      const d = await deployment('catalog');
      assert.equal(d.spec.template.spec.containers[0].image, image('catalog', '1.0'));
      assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '4');
      const history = await kubectl('rollout', 'history', 'deployment/catalog');
      assert.doesNotMatch(history, /^1\s/m);
      assert.match(history, /^4\s+deploy ghcr\.io\/acme\/catalog:1\.0$/m);
      const ids = await waitFor('old pods to go', async () => {
        const list = await podImageIds('catalog');
        return list.length === 3 && list;
      });
      assert.deepEqual(ids, Array(3).fill(resolveImageId(image('catalog', '1.0'))));
    });

    it('applies strategic merge, merge and JSON patches', async () => {
      await kubectl('patch', 'deployment', 'orders', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"orders","env":[{"name":"LOG_LEVEL","value":"debug"}]}]}}}}');
      let d = await deployment('orders');
      const container = d.spec.template.spec.containers[0];
      assert.equal(container.image, image('orders', '1.0'), 'strategic merge keeps the other container fields');
      assert.deepEqual(container.env.map((e: { name: string }) => e.name), ['REGION', 'LOG_LEVEL']);
      assert.equal(d.metadata.generation, 2);

      await kubectl('patch', 'deployment', 'orders', '--type=merge', '-p', '{"metadata":{"labels":{"team":"books"}}}');
      d = await deployment('orders');
      assert.deepEqual(d.metadata.labels, { app: 'orders', team: 'books' });
      assert.equal(d.metadata.generation, 2, 'a label is not a spec change');

      await kubectl('patch', 'deployment', 'orders', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]');
      await kubectl('rollout', 'status', 'deployment/orders', '--timeout=60s');
      d = await deployment('orders');
      assert.equal(d.spec.replicas, 2);
      assert.equal(d.status.availableReplicas, 2);
      assert.equal(d.status.observedGeneration, d.metadata.generation);
    });

    it('applies a manifest, creating then updating it', async () => {
      const file = join(h.dir, `web-${bin.length}.yaml`);
      const manifest = (tag: string): string =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: web, image: "nginx:${tag}"}\n`;
      writeFileSync(file, manifest('1.25'));
      assert.match(await kubectl('apply', '-f', file), /deployment.apps\/web created/);
      writeFileSync(file, manifest('1.26'));
      assert.match(await kubectl('apply', '-f', file), /deployment.apps\/web configured/);
      assert.equal((await deployment('web')).spec.template.spec.containers[0].image, 'nginx:1.26');
    });

    it('refuses a request without the token with 401 Unauthorized', async () => {
      const badConfig = join(h.dir, `bad-${bin.length}`);
      writeFileSync(badConfig, readFileSync(h.kubeconfig, 'utf8').replace(`token: ${h.token}`, 'token: not-the-token'));
      const r = await h.kubectl(bin, ['--kubeconfig', badConfig, 'get', 'deploy']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Unauthorized|must be logged in/);
      const raw = await h.call('us-east', 'GET', '/apis/apps/v1/deployments', undefined, undefined, null);
      assert.equal(raw.status, 401);
      assert.equal(raw.body.kind, 'Status');
      assert.equal(raw.body.reason, 'Unauthorized');
    });
  });
}
