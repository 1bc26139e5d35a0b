import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { generateSandboxTls, type SandboxTls } from '../../testing/test-tls.ts';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeRest, loadKubeConfig } from './kube-rest.ts';

/**
 * kube-rest over a real TLS server: the calls of a process share kept-alive connections (client-node
 * alone made an agent, so a connection and a handshake, per call), and a kept-alive connection the
 * server drops as it is reused costs a GET nothing but a new connection.
 */
let pki: SandboxTls;
let server: Server;
let url: string;
const sockets = new Set<Socket>();
const handshakes: number[] = [];
/** Per request: how the server treats the request that arrives on a connection it served before. */
let onReused: 'answer' | 'drop' = 'answer';
const seen = new WeakMap<Socket, number>();

before(async () => {
  pki = generateSandboxTls();
  server = createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
    const s = req.socket;
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    if (n > 1 && onReused === 'drop') {
      s.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, method: req.method, auth: req.headers.authorization }));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    handshakes.push(1);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function kubeconfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: "${url}", certificate-authority-data: ${Buffer.from(pki.caCert).toString('base64')} }
users:
- name: u
  user: { token: t0k3n }
contexts:
- name: c
  context: { cluster: c, user: u }
current-context: c
`);
  return kc;
}

test('calls one after another share one connection, across KubeConfig instances of the same cluster; the token still goes with each', async () => {
  handshakes.length = 0;
  onReused = 'answer';
  const a = kubeRest(kubeconfig(), 'c');
  const b = kubeRest(kubeconfig(), 'c');
  assert.deepEqual(await a.get('/api/v1/namespaces/x/pods'), { path: '/api/v1/namespaces/x/pods', method: 'GET', auth: 'Bearer t0k3n' });
  await a.get('/apis/apps/v1/namespaces/x/deployments/d');
  await b.patch('/apis/apps/v1/namespaces/x/deployments/d', 'application/merge-patch+json', { spec: {} });
  await b.get('/api/v1/namespaces/x/pods');
  assert.equal(handshakes.length, 1);
});

test('a kept-alive connection the server drops as it is reused: a GET goes again on a new one, a PATCH fails', async () => {
  onReused = 'answer';
  const rest = kubeRest(kubeconfig(), 'c');
  await rest.get('/warm');
  onReused = 'drop';
  handshakes.length = 0;
  assert.equal((await rest.get<{ path: string }>('/again')).path, '/again');
  assert.equal(handshakes.length, 1, 'the GET went again on a new connection');
  await rest.get('/warm');
  await assert.rejects(rest.patch('/p', 'application/merge-patch+json', {}), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
});

test('loadKubeConfig parses a file once per version: each caller its own instance, a rewritten file read again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-kubeconfig-'));
  try {
    const file = join(dir, 'kubeconfig');
    const config = (server: string) => [
      'apiVersion: v1', 'kind: Config', 'current-context: a',
      'clusters:', `- name: a\n  cluster:\n    server: ${server}`, `- name: b\n  cluster:\n    server: ${server}/b`,
      'contexts:', '- name: a\n  context:\n    cluster: a\n    user: u', '- name: b\n  context:\n    cluster: b\n    user: u',
      'users:', '- name: u\n  user:\n    token: t',
    ].join('\n');
    writeFileSync(file, config('https://one.example'));
    const first = loadKubeConfig(file);
    const second = loadKubeConfig(file);
    assert.notEqual(first, second);
    second.setCurrentContext('b');
    assert.equal(first.getCurrentCluster()?.server, 'https://one.example', 'one caller\'s context is not another\'s');
    assert.equal(second.getCurrentCluster()?.server, 'https://one.example/b');
    writeFileSync(file, config('https://two.example'));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    assert.equal(loadKubeConfig(file).getCurrentCluster()?.server, 'https://two.example', 'a rotated kubeconfig is read again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
