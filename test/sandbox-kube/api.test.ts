/**
 * The sandbox Kubernetes API's semantics over HTTPS: discovery, Status errors, the
 * GET-then-PUT/POST flow the Argo CD side uses, conflicts, generation, watch, selectors,
 * and the controllers (paused, history limit, Recreate, crash loops, garbage collection).
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { deploymentManifest, KUBECTL_CURRENT, NAMESPACE, startHarness, waitFor, type Harness } from './harness.ts';

const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;
const MERGE = 'application/merge-patch+json';

describe('sandbox Kubernetes API', () => {
  let h: Harness;
  const get = async (path: string): Promise<any> => (await h.call('us-east', 'GET', path)).body;
  const rsOf = async (app: string): Promise<any[]> => (await get(`/apis/apps/v1/namespaces/${NAMESPACE}/replicasets?labelSelector=app%3D${app}`)).items;
  const settled = (app: string) =>
    waitFor(`${app} to settle`, async () => {
      const d = await get(`${DEPLOYMENTS}/${app}`);
      const s = d.status;
      return s?.observedGeneration === d.metadata.generation && s.updatedReplicas === d.spec.replicas && s.replicas === d.spec.replicas && s.availableReplicas === d.spec.replicas && d;
    });

  before(async () => {
    h = await startHarness({ speed: 25, imageHealth: (image) => (image.endsWith(':bad') ? 'crashloop' : 'ok') });
    assert.equal((await h.call('us-east', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } })).status, 201);
  });
  after(() => h?.stop());

  it('serves discovery documents, the version and the openapi answer kubectl apply needs', async () => {
    assert.deepEqual((await get('/api')).versions, ['v1']);
    const groups = (await get('/apis')).groups.map((g: { name: string }) => g.name);
    assert.deepEqual(groups.sort(), ['apps', 'argoproj.io', 'authorization.k8s.io']);
    const apps = await get('/apis/apps/v1');
    const deploy = apps.resources.find((r: { name: string }) => r.name === 'deployments');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.ok(apps.resources.some((r: { name: string }) => r.name === 'deployments/scale'));
    assert.ok((await get('/apis/argoproj.io/v1alpha1')).resources.some((r: { name: string }) => r.name === 'rollouts'));
    assert.equal((await get('/version')).major, '1');
    assert.equal((await h.call('us-east', 'GET', '/openapi/v3')).status, 404);
    const openapi = await new Promise<{ type: string | undefined; bytes: Buffer }>((resolve, reject) => {
      request(new URL(h.api.urlFor('us-east') + '/openapi/v2'), { ca: h.tls.caCert, headers: { Authorization: `Bearer ${h.token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ type: res.headers['content-type'], bytes: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(openapi.type, 'application/octet-stream');
    assert.deepEqual([...openapi.bytes], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
  });

  it('answers errors with Status objects and the upstream reasons', async () => {
    const missing = await h.call('us-east', 'GET', `${DEPLOYMENTS}/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual([missing.body.kind, missing.body.reason, missing.body.message], ['Status', 'NotFound', 'deployments.apps "nope" not found']);
    const elsewhere = deploymentManifest('x', 'x:1') as { metadata: Record<string, unknown> };
    delete elsewhere.metadata.namespace;
    const noNs = await h.call('us-east', 'POST', '/apis/apps/v1/namespaces/elsewhere/deployments', elsewhere);
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.message, 'namespaces "elsewhere" not found');
    const noSelector = deploymentManifest('bad', 'x:1') as { spec: Record<string, unknown> };
    delete noSelector.spec.selector;
    const invalid = await h.call('us-east', 'POST', DEPLOYMENTS, noSelector);
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.reason, 'Invalid');
  });

  it('supports the GET-then-PUT-or-POST apply flow with resourceVersion conflicts', async () => {
    const manifest = deploymentManifest('catalog', 'ghcr.io/acme/catalog:1.0');
    assert.equal((await h.call('us-east', 'GET', `${DEPLOYMENTS}/catalog`)).status, 404);
    const created = await h.call('us-east', 'POST', DEPLOYMENTS, manifest);
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.generation, 1);
    assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal((await h.call('us-east', 'POST', DEPLOYMENTS, manifest)).body.reason, 'AlreadyExists');
    await settled('catalog');

    const current = await get(`${DEPLOYMENTS}/catalog`);
    // The manifest's spec has no defaults; the server fills them in again, so nothing changes.
    const same = await h.call('us-east', 'PUT', `${DEPLOYMENTS}/catalog`, { ...current, spec: manifest.spec });
    assert.equal(same.status, 200);
    assert.equal(same.body.metadata.resourceVersion, current.metadata.resourceVersion, 'an unchanged spec is a no-op');
    assert.equal(same.body.metadata.generation, 1);
    assert.equal(same.body.status.availableReplicas, 3, 'a PUT keeps the status');

    const next = deploymentManifest('catalog', 'ghcr.io/acme/catalog:1.1') as { metadata: Record<string, unknown> };
    const updated = await h.call('us-east', 'PUT', `${DEPLOYMENTS}/catalog`, { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.metadata.generation, 2);
    const stale = await h.call('us-east', 'PUT', `${DEPLOYMENTS}/catalog`, { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    await settled('catalog');
    assert.equal((await rsOf('catalog')).length, 2);
  });

  it('filters lists by label and field selectors, in a namespace and across all', async () => {
    await h.call('us-east', 'POST', DEPLOYMENTS, deploymentManifest('orders', 'ghcr.io/acme/orders:1.0', 1));
    const names = async (query: string): Promise<string[]> => (await get(`/apis/apps/v1/deployments?${query}`)).items.map((d: any) => d.metadata.name);
    assert.deepEqual(await names('labelSelector=' + encodeURIComponent('app in (orders,payments)')), ['orders']);
    assert.deepEqual(await names('labelSelector=' + encodeURIComponent('app!=orders')), ['catalog']);
    assert.deepEqual(await names('labelSelector=app'), ['catalog', 'orders']);
    assert.deepEqual(await names('labelSelector=' + encodeURIComponent('!app')), []);
    assert.deepEqual(await names('fieldSelector=' + encodeURIComponent('metadata.name=orders') + '&limit=500'), ['orders']);
    assert.deepEqual(await names('fieldSelector=' + encodeURIComponent(`metadata.namespace=${NAMESPACE}`)), ['catalog', 'orders']);
    const list = await get(DEPLOYMENTS);
    assert.equal(list.kind, 'DeploymentList');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
  });

  it('streams watch events from a resourceVersion and ends at timeoutSeconds', async () => {
    const list = await get(`${DEPLOYMENTS}?fieldSelector=metadata.name%3Dorders`);
    const started = Date.now();
    const events: any[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const url = new URL(`${h.api.urlFor('us-east')}${DEPLOYMENTS}?watch=true&fieldSelector=metadata.name%3Dorders&timeoutSeconds=1&resourceVersion=${list.metadata.resourceVersion}`);
      request(url, { ca: h.tls.caCert, headers: { Authorization: `Bearer ${h.token}` } }, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
            events.push(JSON.parse(buffer.slice(0, i)));
            buffer = buffer.slice(i + 1);
          }
        });
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    await new Promise((r) => setTimeout(r, 100));
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/orders`, { metadata: { labels: { watched: 'yes' } } }, MERGE);
    await ended;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900, `ended after ${elapsed} ms: not before timeoutSeconds`);
    const mine = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.labels.watched === 'yes');
    assert.ok(mine, 'the label change arrived as MODIFIED');
    assert.ok(events.every((e) => e.object.metadata.name === 'orders'));
  });

  it('does not roll out a paused Deployment until it is resumed', async () => {
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/orders`, { spec: { paused: true } }, MERGE);
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/orders`, { spec: { template: { spec: { containers: [{ name: 'orders', image: 'ghcr.io/acme/orders:1.1' }] } } } }, 'application/strategic-merge-patch+json');
    await waitFor('the paused condition', async () => (await get(`${DEPLOYMENTS}/orders`)).status.conditions?.some((c: any) => c.reason === 'DeploymentPaused'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rsOf('orders')).length, 1);
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/orders`, { spec: { paused: null } }, MERGE);
    const d = await settled('orders');
    assert.equal((await rsOf('orders')).length, 2);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  });

  it('prunes old ReplicaSets beyond revisionHistoryLimit', async () => {
    const manifest = deploymentManifest('limited', 'ghcr.io/acme/limited:0', 1) as { spec: Record<string, unknown> };
    manifest.spec.revisionHistoryLimit = 2;
    await h.call('us-east', 'POST', DEPLOYMENTS, manifest);
    for (let v = 1; v <= 4; v++) {
      await settled('limited');
      await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/limited`, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `ghcr.io/acme/limited:${v}` }], 'application/json-patch+json');
    }
    await settled('limited');
    await waitFor('pruning', async () => (await rsOf('limited')).length === 3);
    const revisions = (await rsOf('limited')).map((rs) => Number(rs.metadata.annotations['deployment.kubernetes.io/revision'])).sort();
    assert.deepEqual(revisions, [3, 4, 5]);
  });

  it('replaces all pods at once with the Recreate strategy', async () => {
    const manifest = deploymentManifest('recreate', 'ghcr.io/acme/recreate:1', 2) as { spec: Record<string, unknown> };
    manifest.spec.strategy = { type: 'Recreate' };
    await h.call('us-east', 'POST', DEPLOYMENTS, manifest);
    await settled('recreate');
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/recreate`, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/recreate:2' }], 'application/json-patch+json');
    const mixed: string[][] = [];
    await waitFor('the recreate rollout', async () => {
      const pods = (await get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Drecreate`)).items;
      const images = [...new Set<string>(pods.map((p: any) => p.spec.containers[0].image))];
      if (images.length > 1) mixed.push(images);
      return pods.length === 2 && images.length === 1 && images[0] === 'ghcr.io/acme/recreate:2' && pods.every((p: any) => p.status.phase === 'Running');
    });
    assert.deepEqual(mixed, [], 'old and new pods never ran together');
  });

  it('crash-loops a bad image and fails the rollout at its progress deadline', async () => {
    const manifest = deploymentManifest('payments', 'ghcr.io/acme/payments:1.0', 2) as { spec: Record<string, unknown> };
    manifest.spec.progressDeadlineSeconds = 20;
    await h.call('us-east', 'POST', DEPLOYMENTS, manifest);
    await settled('payments');
    await h.call('us-east', 'PATCH', `${DEPLOYMENTS}/payments`, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/payments:bad' }], 'application/json-patch+json');
    const failed = await waitFor('ProgressDeadlineExceeded', async () => {
      const d = await get(`${DEPLOYMENTS}/payments`);
      return d.status.conditions.find((c: any) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') && d;
    });
    assert.equal(failed.status.availableReplicas, 2, 'the old pods keep serving');
    const bad = (await get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dpayments`)).items.filter((p: any) => p.spec.containers[0].image.endsWith(':bad'));
    assert.ok(bad.length >= 1);
    for (const p of bad) {
      const cs = p.status.containerStatuses[0];
      assert.equal(cs.ready, false);
      assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
      assert.ok(cs.restartCount >= 1);
    }
    const r = await h.kubectl(KUBECTL_CURRENT, ['rollout', 'status', 'deployment/payments', '--timeout=20s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exceeded its progress deadline/);
  });

  it('deletes a Deployment’s ReplicaSets and Pods with it', async () => {
    const del = await h.call('us-east', 'DELETE', `${DEPLOYMENTS}/recreate`);
    assert.equal(del.status, 200);
    await waitFor('garbage collection', async () => {
      const pods = (await get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Drecreate`)).items;
      return pods.length === 0 && (await rsOf('recreate')).length === 0;
    });
  });

  it('stores Argo Rollouts with a status subresource, and answers access reviews', async () => {
    const rollouts = `/apis/argoproj.io/v1alpha1/namespaces/${NAMESPACE}/rollouts`;
    const ro = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } } };
    assert.equal((await h.call('us-east', 'POST', rollouts, ro)).status, 201);
    const aborted = await h.call('us-east', 'PATCH', `${rollouts}/web/status`, { status: { abort: true }, spec: { replicas: 9 } }, MERGE);
    assert.equal(aborted.status, 200);
    assert.equal(aborted.body.status.abort, true);
    assert.equal(aborted.body.spec.replicas, 2, 'the status subresource leaves the spec alone');
    const review = await h.call('us-east', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: NAMESPACE } },
    });
    assert.equal(review.status, 201);
    assert.equal(review.body.status.allowed, true);
  });
});
