import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { AdapterError, ConfigError, NotFoundError } from '../../core/errors.ts';
import type { WorkloadRef } from '../../core/domain.ts';
import { startFakeHttpServer, type FakeHandler, type FakeHttpServer } from '../../testing/fake-http-server.ts';
import { generateSandboxTls, type SandboxTls } from '../../testing/test-tls.ts';
import { runClusterClientSuite } from '../../testing/cluster-client-suite.ts';
import { createKubernetesClusterClient } from './kubernetes-cluster-client.ts';
import { fromDeployment } from './kubernetes-workload.ts';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

const NS = 'bookstore-platform-acme-books';
const ref: WorkloadRef = { cluster: 'us-east', namespace: NS, kind: 'Deployment', name: 'catalog' };
const GOOD = 'ghcr.io/acme/catalog@sha256:' + 'a'.repeat(64);
const INIT = 'ghcr.io/acme/wait-for-db@sha256:' + 'b'.repeat(64);

let pki: SandboxTls;
before(() => {
  pki = generateSandboxTls();
});

function kubeconfig(server: string, ca: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(`apiVersion: v1
kind: Config
clusters:
- name: us-east
  cluster: { server: "${server}", certificate-authority-data: ${Buffer.from(ca).toString('base64')} }
users:
- name: rewind
  user: { token: kube-token }
contexts:
- name: us-east
  context: { cluster: us-east, user: rewind }
- name: eu-west
  context: { cluster: us-east, user: rewind }
current-context: eu-west
`);
  return kc;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'catalog', namespace: NS, generation: 4 },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'catalog' } },
    template: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'catalog', image: GOOD }], initContainers: [{ name: 'wait-for-db', image: INIT }] } },
  },
  status: {
    observedGeneration: 4,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: '2026-05-20T14:01:02Z' }],
  },
};


function pod(name: string, extra: { deleting?: boolean } = {}) {
  return {
    metadata: { name, namespace: NS, labels: { app: 'catalog' }, ...(extra.deleting ? { deletionTimestamp: '2026-05-20T14:00:00Z' } : {}) },
    spec: { containers: [{ name: 'catalog', image: GOOD }], initContainers: [{ name: 'wait-for-db', image: INIT }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        name === 'catalog-b'
          ? { name: 'catalog', image: GOOD, imageID: `docker-pullable://${GOOD}`, ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }
          : { name: 'catalog', image: GOOD, imageID: `docker-pullable://${GOOD}`, ready: true, restartCount: 1 },
      ],
      initContainerStatuses: [{ name: 'wait-for-db', image: INIT, imageID: `docker-pullable://${INIT}`, ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    },
  };
}

const world: FakeHandler = (req) => {
  const path = req.path.split('?')[0];
  if (path === `/apis/apps/v1/namespaces/${NS}/deployments/catalog`) return { body: deployment };
  if (path === `/api/v1/namespaces/${NS}/pods`) {
    return { body: { kind: 'PodList', items: [pod('catalog-b'), pod('catalog-a'), pod('catalog-old', { deleting: true })] } };
  }
  if (path === `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts/catalog`) {
    return {
      body: {
        ...deployment,
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        status: { ...deployment.status, observedGeneration: '4', phase: 'Paused', pauseConditions: [{ reason: 'CanaryPauseStep' }] },
      },
    };
  }
  return { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound', message: `${req.path} not found` } };
};

async function withCluster(handler: FakeHandler, fn: (server: FakeHttpServer, sleeps: number[]) => Promise<void>) {
  const server = await startFakeHttpServer(handler, pki);
  try {
    await fn(server, []);
  } finally {
    await server.close();
  }
}

const client = (server: FakeHttpServer, sleeps: number[], context = 'us-east') =>
  createKubernetesClusterClient({ context, kubeConfig: kubeconfig(server.url, pki.caCert), sleep: (ms) => Promise.resolve(void sleeps.push(ms)) });

test('getWorkload reads the Deployment and the digests its live Pods run, over TLS with a bearer token', async () => {
  await withCluster(world, async (server, sleeps) => {
    const w = await client(server, sleeps).getWorkload(ref);
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer kube-token');
    const podsCall = server.requests.find((r) => r.path.includes('/pods'));
    assert.equal(new URL(podsCall?.path ?? '', 'http://x').searchParams.get('labelSelector'), 'app=catalog');
    assert.equal(w.generation, 4);
    assert.equal(w.observedGeneration, 4);
    assert.equal(w.replicas, 2);
    assert.deepEqual(w.images, [{ container: 'catalog', image: GOOD }, { container: 'wait-for-db', image: INIT, init: true }]);
    assert.deepEqual(w.pods.filter((p) => p.init).map((p) => p.pod), ['catalog-a', 'catalog-b']);
    assert.deepEqual([...new Set(w.pods.map((p) => p.pod))], ['catalog-a', 'catalog-b'], 'terminating Pods are left out, the rest sorted');
    assert.equal(w.pods[0]?.imageID, GOOD, 'docker-pullable:// is stripped');
    assert.equal(w.pods[0]?.restartCount, 1);
    assert.ok(Object.isFrozen(w) && Object.isFrozen(w.pods));
    assert.equal(w.conditions[0]?.lastUpdateTime, '2026-05-20T14:01:02Z', 'conditions keep their update time');
    const b = w.pods.filter((p) => p.pod === 'catalog-b');
    assert.deepEqual(b.map((p) => [p.container, p.init ?? false]), [['catalog', false], ['wait-for-db', true]], 'init containers too, after the regular ones');
    assert.deepEqual(b[0]?.waiting, { reason: 'CrashLoopBackOff', message: 'back-off 40s' });
    assert.deepEqual(b[0]?.lastTerminated, { reason: 'Error', exitCode: 1 });
    assert.equal(b[1]?.imageID, INIT);
    assert.equal(b[1]?.runtimeImageID, `docker-pullable://${INIT}`, 'the runtime\'s own string is kept');
  });
});

test('a Rollout is read through the custom objects API, pauses included', async () => {
  await withCluster(world, async (server, sleeps) => {
    const w = await client(server, sleeps).getWorkload({ ...ref, kind: 'Rollout' });
    assert.equal(w.observedGeneration, 4);
    assert.equal(w.paused, true);
    assert.ok(w.conditions.some((c) => c.type === 'Phase' && c.status === 'Paused'));
    assert.equal(w.pods.filter((p) => !p.init).length, 2);
  });
});

test('a Rollout with a workloadRef takes the referenced Deployment\'s template, as its controller does (templateref.go)', async () => {
  const rollout = { metadata: { name: 'catalog', generation: 2 }, spec: { replicas: 2, selector: { matchLabels: { app: 'catalog' } }, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog-template' } }, status: { phase: 'Healthy', observedGeneration: '2' } };
  const handler: FakeHandler = (req) => {
    if (req.path.includes('/rollouts/')) return { status: 200, body: rollout };
    if (req.path.includes('/deployments/catalog-template')) return { status: 200, body: { ...deployment, metadata: { ...deployment.metadata, name: 'catalog-template' } } };
    return world(req, 0);
  };
  await withCluster(handler, async (server, sleeps) => {
    const w = await client(server, sleeps).getWorkload({ ...ref, kind: 'Rollout' });
    assert.deepEqual(w.images, [{ container: 'catalog', image: GOOD }, { container: 'wait-for-db', image: INIT, init: true }]);
    assert.ok(server.requests.some((r) => r.path.startsWith(`/apis/apps/v1/namespaces/${NS}/deployments/catalog-template`)));
  });
});

test('a missing Deployment is a NotFoundError naming it and the context', async () => {
  await withCluster(world, async (server, sleeps) => {
    await assert.rejects(
      client(server, sleeps).getWorkload({ ...ref, name: 'nope' }),
      (e: unknown) => e instanceof NotFoundError && /Deployment bookstore-platform-acme-books\/nope not found in cluster context us-east/.test(e.message),
    );
  });
});

test('500 is retried with backoff, then fails as a transient AdapterError', async () => {
  await withCluster(() => ({ status: 500, body: { kind: 'Status', code: 500, message: 'etcd timeout' } }), async (server, sleeps) => {
    const err = await client(server, sleeps).getWorkload(ref).catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError && err.transient && err.status === 500, String(err));
    assert.match(err.message, /kubernetes: read Deployment .*etcd timeout/);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(sleeps, [250, 500]);
  });
});

test('403 is an AdapterError about RBAC, not retried', async () => {
  await withCluster(() => ({ status: 403, body: { kind: 'Status', code: 403, message: 'forbidden' } }), async (server, sleeps) => {
    const err = await client(server, sleeps).getWorkload(ref).catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError && !err.transient);
    assert.match(err.hint ?? '', /get\/list on deployments/);
    assert.equal(server.requests.length, 1);
  });
});

test('an unknown context is a ConfigError listing the known ones', () => {
  const kc = kubeconfig('https://127.0.0.1:1', 'x');
  assert.throws(() => createKubernetesClusterClient({ context: 'ap-south', kubeConfig: kc }), (e: unknown) => e instanceof ConfigError && /us-east, eu-west/.test(e.hint ?? ''));
});

test('a cluster that refuses connections is named with its context and how to start the sandbox', async () => {
  const server = await startFakeHttpServer(world, pki);
  const url = server.url;
  await server.close();
  const kc = kubeconfig(url, pki.caCert);
  const err = await createKubernetesClusterClient({ context: 'us-east', kubeConfig: kc }).getWorkload(ref).catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError, String(err));
  assert.match(err.message, /cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ \(context us-east\)/);
  assert.match(err.hint ?? '', /rewind sandbox up --detach/);
});


// The port's contract, against the same loopback fake (the sandbox run is in test/adapters/).
let shared: FakeHttpServer | undefined;
before(async () => {
  shared = await startFakeHttpServer(world, pki);
});
after(() => shared?.close());
runClusterClientSuite({
  name: 'kubernetes adapter against a loopback fake',
  create: () => createKubernetesClusterClient({ context: 'us-east', kubeConfig: kubeconfig(shared?.url ?? '', pki.caCert) }),
  workload: ref,
});

test('a docker config id (docker://sha256:…) is no digest: imageID empty, the runtime\'s string kept', () => {
  const id = 'docker://sha256:' + 'c'.repeat(64);
  const p = { ...pod('catalog-a'), status: { phase: 'Running', containerStatuses: [{ name: 'catalog', image: GOOD, imageID: id, ready: true, restartCount: 0 }] } };
  const w = fromDeployment(ref, deployment as unknown as V1Deployment, [p as unknown as V1Pod]);
  const c = w.pods.find((x) => !x.init);
  assert.equal(c?.imageID, '');
  assert.equal(c?.runtimeImageID, id);
});
