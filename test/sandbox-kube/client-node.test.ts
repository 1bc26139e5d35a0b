/**
 * @kubernetes/client-node (v2) against the sandbox with the generated kubeconfig: TLS
 * verified against the sandbox CA, bearer token, typed reads and patches, and a watch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { deploymentManifest, NAMESPACE, startHarness, waitFor, type Harness } from './harness.ts';

describe('@kubernetes/client-node against the sandbox', () => {
  let h: Harness;
  let kc: KubeConfig;

  before(async () => {
    h = await startHarness({ speed: 25 });
    kc = new KubeConfig();
    kc.loadFromFile(h.kubeconfig);
    assert.equal(kc.getCurrentCluster()?.skipTLSVerify ?? false, false);
    await h.call('us-east', 'POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } });
    await h.call('us-east', 'POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deploymentManifest('payments', 'ghcr.io/acme/payments:2.0', 2));
  });
  after(() => h?.stop());

  it('reads and lists Deployments with AppsV1Api', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'payments', namespace: NAMESPACE });
    assert.equal(d.spec?.template.spec?.containers[0]?.image, 'ghcr.io/acme/payments:2.0');
    const all = await apps.listDeploymentForAllNamespaces({ labelSelector: 'app in (payments,orders)' });
    assert.deepEqual(all.items.map((i) => i.metadata?.name), ['payments']);
  });

  it('patches a Deployment with merge and JSON patches, and the rollout follows', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const merged = await apps.patchNamespacedDeployment(
      { name: 'payments', namespace: NAMESPACE, body: { spec: { template: { metadata: { annotations: { 'rewind.dev/restartedAt': 'now' } } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(merged.metadata?.generation, 2);
    const patched = await apps.patchNamespacedDeployment(
      { name: 'payments', namespace: NAMESPACE, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/payments:2.1' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(patched.spec?.template.spec?.containers[0]?.image, 'ghcr.io/acme/payments:2.1');
    const done = await waitFor('the rollout to finish', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'payments', namespace: NAMESPACE });
      const s = d.status;
      return s?.observedGeneration === d.metadata?.generation && s?.updatedReplicas === 2 && s.availableReplicas === 2 && s.replicas === 2 && d;
    });
    const rss = await apps.listNamespacedReplicaSet({ namespace: NAMESPACE, labelSelector: 'app=payments' });
    const current = rss.items.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'ghcr.io/acme/payments:2.1');
    assert.equal(current?.spec?.replicas, 2);
    assert.equal(done.metadata?.annotations?.['deployment.kubernetes.io/revision'], current?.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app=payments' });
    assert.ok(pods.items.every((p) => p.status?.containerStatuses?.[0]?.image === 'ghcr.io/acme/payments:2.1'));
  });

  it('streams watch events for a Deployment', async () => {
    const seen: string[] = [];
    const watch = new Watch(kc);
    const req = await watch.watch(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
      { fieldSelector: 'metadata.name=payments' },
      (type: string, obj: { spec?: { replicas?: number } }) => seen.push(`${type}:${obj.spec?.replicas}`),
      () => {},
    );
    await h.call('us-east', 'PATCH', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/payments`, { spec: { replicas: 1 } }, 'application/merge-patch+json');
    await waitFor('the MODIFIED event', () => seen.includes('MODIFIED:1'));
    req.abort();
    assert.equal(seen[0], 'ADDED:2');
  });
});
