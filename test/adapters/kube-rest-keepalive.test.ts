/**
 * kube-rest.ts's requests share keep-alive connections: client-node's `applyToHTTPSOptions` hands
 * out a new agent per call (config.ts `createAgent`), which cost a TLS handshake per read (28 in a
 * demo). Counted at a TCP relay in front of the sandbox's Kubernetes API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kubeRest, KubeConfig } from '../../src/adapters/kubernetes/kube-rest.ts';
import { tcpRelay, type TcpRelay } from '../../src/testing/tcp-relay.ts';
import { startHarness, type Harness } from '../sandbox-kube/harness.ts';

let h: Harness;
let relay: TcpRelay;

before(async () => {
  h = await startHarness({ speed: 20 });
  relay = await tcpRelay(Number(new URL(h.api.urlFor('us-east')).port));
});
after(async () => {
  await relay?.refuse();
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
