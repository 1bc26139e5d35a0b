import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ClusterView } from '../kube/index.ts';
import type { Pod } from '../kube/types.ts';
import { digestOf } from '../world/images.ts';
import { PodExporters } from './pod-exporters.ts';
import { parseExposition } from './exposition.ts';

const NS = 'bookstore-platform-acme-books';

function pod(name: string, service: string, version: string, state: 'ready' | 'crashloop' | 'pending'): Pod {
  const image = `ghcr.io/acme/${service}@${digestOf(service, version)}`;
  const ready = state === 'ready';
  return {
    metadata: { name, namespace: NS, uid: `uid-${name}`, resourceVersion: '1', labels: { app: service } },
    spec: { containers: [{ name: service, image }] },
    status: {
      phase: state === 'pending' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: service, image, imageID: `${image}`, ready, restartCount: state === 'crashloop' ? 3 : 0, started: ready, state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  };
}

function view(pods: () => Pod[]): ClusterView {
  return { get: () => undefined, list: () => pods(), resourceVersion: 1 };
}

function get(address: string, path: string): Promise<{ status: number; text: string }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('only running, ready Pods serve /metrics; a Pod that goes away stops serving', async () => {
  let now = 1_000_000;
  let pods = [pod('catalog-a', 'catalog', '1.4.2', 'ready'), pod('catalog-b', 'catalog', '1.5.0', 'crashloop'), pod('orders-a', 'orders', '2.8.0', 'pending')];
  const fleet = new PodExporters({ clusters: ['us-east'], view: () => view(() => pods), now: () => now });
  try {
    assert.equal(await fleet.sync(), true);
    const targets = fleet.targets();
    assert.deepEqual(targets.map((t) => t.pod), ['catalog-a']);
    now += 10_000; // 10 s at 100 requests/s
    const r = await get(targets[0]!.address, '/metrics');
    assert.equal(r.status, 200);
    const samples = parseExposition(r.text);
    const total = samples.filter((s) => s.labels['__name__'] === 'http_requests_total').reduce((a, s) => a + s.value, 0);
    assert.equal(total, 1000);
    const inf = samples.find((s) => s.labels['__name__'] === 'http_request_duration_seconds_bucket' && s.labels['le'] === '+Inf');
    assert.deepEqual(inf?.labels, { __name__: 'http_request_duration_seconds_bucket', le: '+Inf', service: 'catalog', namespace: NS, pod: 'catalog-a' });
    assert.equal(inf?.value, 1000);
    assert.equal((await get(targets[0]!.address, '/other')).status, 404);

    pods = [];
    assert.equal(await fleet.sync(), true);
    assert.deepEqual(fleet.targets(), []);
    await assert.rejects(get(targets[0]!.address, '/metrics'), /ECONNREFUSED/);
  } finally {
    await fleet.close();
  }
});

test('the bad catalog digest is slow, the bad orders digest answers 5xx, the bad payments digest errors', async () => {
  const now = 0;
  let t = now;
  const pods = [pod('c', 'catalog', '1.5.0', 'ready'), pod('o', 'orders', '2.9.0', 'ready'), pod('p', 'payments', '3.3.0', 'ready'), pod('g', 'catalog', '1.4.2', 'ready')];
  const fleet = new PodExporters({ clusters: ['us-east'], view: () => view(() => pods), now: () => t });
  try {
    await fleet.sync();
    t += 60_000; // 6000 requests each
    const byPod = new Map<string, ReturnType<typeof parseExposition>>();
    for (const target of fleet.targets()) byPod.set(target.pod, parseExposition((await get(target.address, '/metrics')).text));
    const ratio = (pod: string, bad: (code: string) => boolean): number => {
      const reqs = byPod.get(pod)!.filter((s) => s.labels['__name__'] === 'http_requests_total');
      return reqs.filter((s) => bad(s.labels['code']!)).reduce((a, s) => a + s.value, 0) / reqs.reduce((a, s) => a + s.value, 0);
    };
    const over = (pod: string, le: string): number => {
      const b = (l: string) => byPod.get(pod)!.find((s) => s.labels['__name__'] === 'http_request_duration_seconds_bucket' && s.labels['le'] === l)!.value;
      return 1 - b(le) / b('+Inf');
    };
    assert.ok(over('c', '0.5') > 0.01, `bad catalog: ${over('c', '0.5')} of requests over 0.5 s`);
    assert.ok(over('g', '0.5') < 0.01, `good catalog: ${over('g', '0.5')} of requests over 0.5 s`);
    assert.ok(ratio('o', (c) => c.startsWith('5')) > 0.01);
    assert.ok(ratio('p', (c) => !c.startsWith('2')) > 0.01);
    assert.ok(ratio('g', (c) => !c.startsWith('2')) < 0.01);
  } finally {
    await fleet.close();
  }
});

test('a build the world declares slow after its Pods started is slow in those Pods from the next scrape on', async () => {
  let t = 0;
  const good = digestOf('catalog', '1.4.2');
  const slow = new Set<string>();
  const fleet = new PodExporters({ clusters: ['us-east'], view: () => view(() => [pod('g', 'catalog', '1.4.2', 'ready')]), now: () => t, behaviourOf: (d) => (slow.has(d) ? 'slow' : undefined) });
  try {
    await fleet.sync();
    const [target] = fleet.targets();
    const buckets = async () => {
      const samples = parseExposition((await get(target!.address, '/metrics')).text);
      const b = (l: string) => samples.find((s) => s.labels['__name__'] === 'http_request_duration_seconds_bucket' && s.labels['le'] === l)!.value;
      return { under: b('0.5'), all: b('+Inf') };
    };
    t += 60_000;
    const before = await buckets();
    assert.ok(1 - before.under / before.all < 0.01, 'the good build is fast before');
    slow.add(good);
    // The next scrape switches the Pod (the requests up to it were served before it knew).
    const switched = await buckets();
    t += 60_000;
    const after = await buckets();
    // Only the requests since the switch: their share over 0.5 s is the slow profile's.
    const over = 1 - (after.under - switched.under) / (after.all - switched.all);
    assert.ok(over > 0.01, `the same Pod after the build was declared slow: ${over} of requests over 0.5 s`);
  } finally {
    await fleet.close();
  }
});
