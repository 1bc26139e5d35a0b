/**
 * kube-rest.ts's requests share keep-alive connections: client-node's `applyToHTTPSOptions` hands
 * out a new agent per call (config.ts `createAgent`), which cost a TLS handshake per read (28 in a
 * demo). Counted at a TCP relay in front of the sandbox's Kubernetes API.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { kubeRest, KubeConfig } from '../../src/adapters/kubernetes/kube-rest.ts';
import { startHarness, type Harness } from '../sandbox-kube/harness.ts';

let h: Harness;
let relay: { port: number; connections: number; close(): Promise<void> };

before(async () => {
  h = await startHarness({ speed: 20 });
  const target = Number(new URL(h.api.urlFor('us-east')).port);
  const open = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  relay = {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((r) => (open.forEach((s) => s.destroy()), server.close(() => r()))),
  };
});
after(async () => {
  await relay?.close();
  await h?.stop();
});

test('reads through one KubeConfig share one keep-alive connection', async () => {
  const server = new URL(h.api.urlFor('us-east'));
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'us-east', cluster: { server: `https://127.0.0.1:${relay.port}${server.pathname}`, 'certificate-authority-data': Buffer.from(h.tls.caCert).toString('base64') } }],
      users: [{ name: 'u', user: { token: h.token } }],
      contexts: [{ name: 'us-east', context: { cluster: 'us-east', user: 'u' } }],
      'current-context': 'us-east',
    }),
  );
  const rest = kubeRest(kc, 'us-east');
  for (let i = 0; i < 5; i++) {
    const ns = await rest.get<{ kind: string }>('/api/v1/namespaces');
    assert.equal(ns.kind, 'NamespaceList');
  }
  assert.equal(relay.connections, 1, 'five sequential reads, one TLS connection');
});
