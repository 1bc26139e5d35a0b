/**
 * (Here, not under test/e2e: the structure rules keep test/ from importing the executor, and a
 * wait on a real adapter is composed only in app/. It is end to end all the same: the sandbox runs
 * in its own process and is reached over HTTPS.)
 *
 * The Rollouts waits' watch (a Kubernetes watch on the Rollout, adapters/kubernetes/watch-workload.ts)
 * when it breaks mid-wait, end to end: the real cluster client against the sandbox's Kubernetes API
 * through an HTTPS proxy in front of it, as a load balancer or a restarting API server in front of a
 * real cluster. The proxy passes every request through and can cut the open watches and refuse new
 * ones (503, as an API server that is going away answers) while the reads still go through. The wait
 * must still finish by its poll, and watch again once watches are served again.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubernetesClusterClient } from '../adapters/kubernetes/index.ts';
import { systemClock } from './system-clock.ts';
import type { WorkloadRef } from '../core/domain.ts';
import type { ClusterClient } from '../core/ports.ts';
import type { ProgressEvent } from '../executor/step-context.ts';
import { waitUntil } from '../executor/wait-feeds.ts';
import { startSandboxProcess, type SandboxProcess } from '../testing/sandbox-process.ts';
import { generateSandboxTls } from '../testing/test-tls.ts';
import { until } from '../testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const REF: WorkloadRef = { cluster: 'us-east', namespace: NS, kind: 'Rollout', name: 'catalog-canary' };
const ROLLOUT_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts/${REF.name}`;
const MARK = 'rewind.test/mark';

interface Proxy {
  readonly url: string;
  /** The proxy's own CA (PEM): the kubeconfig trusts it, not the sandbox's. */
  readonly ca: string;
  /** Watch streams open through the proxy now. */
  readonly openWatches: number;
  /** Watch requests answered 503 since the last `cut`. */
  readonly refused: number;
  /** Drops every open watch and refuses new ones until `heal`. */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

/** `target`: the cluster's server URL, path prefix included (the sandbox serves each cluster under /clusters/NAME). */
async function startProxy(target: string, upstreamCa: string): Promise<Proxy> {
  const tls = generateSandboxTls();
  const open = new Set<{ destroy(): void }>();
  let cutting = false;
  let refused = 0;
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const path = req.url ?? '/';
    const watch = new URL(path, 'https://x').searchParams.get('watch') === 'true';
    if (watch && cutting) {
      refused++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the proxy is refusing watches', reason: 'ServiceUnavailable', code: 503 }));
      return;
    }
    const headers = { ...req.headers, host: new URL(target).host };
    const upstream = request(`${target}${path}`, { method: req.method, headers, ca: upstreamCa }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    if (watch) {
      const stream = { destroy: () => (upstream.destroy(), res.destroy()) };
      open.add(stream);
      res.on('close', () => open.delete(stream));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: tls.caCert,
    get openWatches() {
      return open.size;
    },
    get refused() {
      return refused;
    },
    cut() {
      cutting = true;
      refused = 0;
      for (const s of [...open]) s.destroy();
    },
    heal() {
      cutting = false;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let sb: SandboxProcess;
let proxy: Proxy;
let client: ClusterClient;
let token = '';
let proxyCa = '';

/** The Rollout's test mark, read through the proxy as the wait's own reads are. */
function readMark(): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}${ROLLOUT_PATH}`, { ca: proxyCa, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET rollout: ${res.statusCode} ${body.slice(0, 200)}`));
        resolve((JSON.parse(body) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[MARK]);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes the mark straight to the sandbox's API (not through the proxy): the system changing by itself. */
function writeMark(value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${sb.clusterUrls['us-east'] ?? ''}${ROLLOUT_PATH}`, { method: 'PATCH', ca: sb.ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PATCH rollout: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ metadata: { annotations: { [MARK]: value } } }));
  });
}

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  const real = new KubeConfig();
  real.loadFromFile(sb.kubeconfig);
  real.setCurrentContext('us-east');
  token = real.getCurrentUser()?.token ?? '';
  assert.ok(token, 'the sandbox kubeconfig carries a token for us-east');
  const target = sb.clusterUrls['us-east'];
  assert.ok(target, 'the sandbox serves us-east');
  proxy = await startProxy(target, sb.ca);
  proxyCa = proxy.ca;
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'us-east', cluster: { server: proxy.url, 'certificate-authority-data': Buffer.from(proxyCa).toString('base64') } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'us-east', context: { cluster: 'us-east', user: 'u' } }],
      'current-context': 'us-east',
    }),
  );
  client = createKubernetesClusterClient({ context: 'us-east', kubeConfig: kc });
  await until('the canary Rollout is served', () => readMark().then(() => true));
});
after(async () => {
  await proxy?.close();
  await sb?.stop();
});

/** A wait as the Rollouts steps make it (executor/wait-feeds.ts `waitUntil` on the Rollout's watch), until the mark reads `want`. */
function waitForMark(want: string, reads: string[], events: ProgressEvent[], intervalMs = 1000): Promise<boolean> {
  const ctx = { clock: systemClock, deadline: Date.now() + 120_000, signal: new AbortController().signal, index: 0, progress: (e: ProgressEvent) => void events.push(e) };
  return waitUntil(ctx, { cluster: { client, ref: REF } }, async () => {
    const mark = await readMark();
    reads.push(`${mark ?? '-'} with ${proxy.openWatches} watch(es) open`);
    return mark === want;
  }, intervalMs);
}

const noticed = (events: readonly ProgressEvent[]) => events.filter((e): e is Extract<ProgressEvent, { kind: 'noticed' }> => e.kind === 'noticed');

test('the Rollout watch breaks mid-wait: the wait finishes by its poll', async () => {
  proxy.heal();
  const reads: string[] = [];
  const events: ProgressEvent[] = [];
  const done = waitForMark('cut-1', reads, events);
  await until('the wait watches the Rollout', () => Promise.resolve(proxy.openWatches === 1));
  proxy.cut();
  await until('the watch tried again and was refused', () => Promise.resolve(proxy.refused >= 1 && proxy.openWatches === 0));
  await writeMark('cut-1');
  assert.equal(await done, true, reads.join('\n'));
  assert.deepEqual(
    noticed(events).map((e) => e.via),
    ['poll'],
    `no stream was open when the mark changed, so the poll saw it:\n${reads.join('\n')}`,
  );
  assert.match(reads.at(-1) ?? '', /^cut-1 with 0 watch/);
});

test('once watches are served again, the same wait watches again and notices by the stream', async () => {
  proxy.heal();
  const reads: string[] = [];
  const events: ProgressEvent[] = [];
  // A long poll, so the last change is not met by a poll that happens to fall between the write and its event.
  const done = waitForMark('cut-3', reads, events, 5000);
  await until('the wait watches the Rollout', () => Promise.resolve(proxy.openWatches === 1));
  proxy.cut();
  await until('the watch was refused', () => Promise.resolve(proxy.refused >= 1 && proxy.openWatches === 0));
  await writeMark('cut-2');
  await until('a poll read the change while no watch was open', () => Promise.resolve(reads.some((r) => r === 'cut-2 with 0 watch(es) open')));
  proxy.heal();
  await until('the wait watches the Rollout again', () => Promise.resolve(proxy.openWatches === 1));
  await writeMark('cut-3');
  assert.equal(await done, true, reads.join('\n'));
  assert.deepEqual(
    noticed(events).map((e) => e.via),
    ['stream'],
    `the re-opened watch woke the wait:\n${reads.join('\n')}`,
  );
});
