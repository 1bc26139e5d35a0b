/**
 * The Kubernetes adapter's watch on one workload against the sandbox's Kubernetes API (`?watch=true`
 * over HTTPS, CA-verified, token from the kubeconfig through the official KubeConfig).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { watchNamed, watchWorkload } from '../../src/adapters/kubernetes/watch-workload.ts';
import { until } from '../../src/testing/until.ts';
import { deploymentManifest, NAMESPACE, startHarness, type Harness } from '../sandbox-kube/harness.ts';

let h: Harness;
let kc: KubeConfig;
before(async () => {
  h = await startHarness({ speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfig);
  kc.setCurrentContext('us-east');
  await h.call('us-east', 'POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } });
  for (const name of ['payments', 'orders']) await h.call('us-east', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deploymentManifest(name, `ghcr.io/acme/${name}:2.0`, 1));
});
after(() => h?.stop());

const scale = (name: string, replicas: number) =>
  h.call('us-east', 'PATCH', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`, { spec: { replicas } }, 'application/merge-patch+json');

test("the watch counts the workload's changes as they happen", async () => {
  const feed = watchWorkload(kc, { cluster: 'us-east', namespace: NAMESPACE, kind: 'Deployment', name: 'payments' }, { backoffMs: 50 });
  try {
    await until('the watch connects and sends the Deployment as ADDED', () => Promise.resolve(feed.live && feed.seen >= 1));
    // The controllers settle the new Deployments (status writes are events too): wait until quiet enough to count.
    await until('the Deployment rolled out', async () => {
      const d = (await h.call('us-east', 'GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/payments`)).body as { status?: { readyReplicas?: number } } | undefined;
      return d?.status?.readyReplicas === 1;
    });
    const seen = feed.seen;
    const orders = await scale('orders', 2);
    assert.equal(orders.status, 200);
    const payments = await scale('payments', 3);
    assert.equal(payments.status, 200);
    await until('the scale of payments arrives', () => Promise.resolve(feed.seen > seen));
  } finally {
    feed.close();
  }
});

test("a watch on one ConfigMap (the flag wait's), its kubeconfig loaded at the first connect, counts that ConfigMap's changes only", async () => {
  const configMaps = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
  for (const name of ['flags', 'other']) assert.equal((await h.call('us-east', 'POST', configMaps, { metadata: { name }, data: { 'flags.json': '{"v":1}' } })).status, 201);
  let loads = 0;
  const feed = watchNamed(() => Promise.resolve((loads++, kc)), configMaps, 'flags', { backoffMs: 50 });
  try {
    await until('the watch connects and sends the ConfigMap as ADDED', () => Promise.resolve(feed.live && feed.seen >= 1));
    const seen = feed.seen;
    const patch = (name: string) => h.call('us-east', 'PATCH', `${configMaps}/${name}`, { data: { 'flags.json': '{"v":2}' } }, 'application/merge-patch+json');
    assert.equal((await patch('other')).status, 200);
    assert.equal((await patch('flags')).status, 200);
    await until('the change of flags arrives', () => Promise.resolve(feed.seen > seen));
    assert.equal(feed.seen, seen + 1, 'one event: the other ConfigMap is filtered out by the field selector');
    assert.equal(loads, 1);
  } finally {
    feed.close();
  }
});

test('a watch on a server that refuses it stays down and counts nothing: the wait polls', async () => {
  const down = new KubeConfig();
  down.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority-data': Buffer.from(h.tls.caCert).toString('base64') } }],
      users: [{ name: 'u', user: { token: h.token } }],
      contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }],
      'current-context': 'gone',
    }),
  );
  const feed = watchWorkload(down, { cluster: 'gone', namespace: NAMESPACE, kind: 'Deployment', name: 'payments' }, { backoffMs: 20, maxBackoffMs: 40 });
  try {
    // A refused connection is reported at once; several reconnects later the feed is still down and silent.
    let attempts = 0;
    await until('a few reconnects were tried', () => Promise.resolve(++attempts >= 3));
    assert.equal(feed.live, false);
    assert.equal(feed.seen, 0);
  } finally {
    feed.close();
  }
});
