/**
 * Argo CD's application stream end to end: the adapter's ChangeFeed against the sandbox's
 * `/api/v1/stream/applications` over HTTPS (CA-verified, bearer token), through a TCP relay the
 * test can cut, as a load balancer or a restarting argocd-server cuts a long-lived stream.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { watchApplication } from '../../src/adapters/argocd/stream-applications.ts';
import type { AppController } from '../../src/sandbox/argocd/app-controller.ts';
import { createAppStore, type AppStore } from '../../src/sandbox/argocd/app-store.ts';
import type { Application } from '../../src/sandbox/argocd/application.ts';
import type { ArgoContext } from '../../src/sandbox/argocd/context.ts';
import { startArgoCdApi, type ArgoCdApi } from '../../src/sandbox/argocd/server.ts';
import { createSandboxClock } from '../../src/sandbox/clock.ts';
import { generateSandboxTls } from '../../src/testing/test-tls.ts';
import { tcpRelay } from '../../src/testing/tcp-relay.ts';
import { until } from '../../src/testing/until.ts';

const TOKEN = 'stream-test-token-0123456789';
const tls = generateSandboxTls();

function app(name: string): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', uid: `u-${name}`, resourceVersion: '0', generation: 1, creationTimestamp: '2026-05-01T00:00:00Z' },
    spec: { project: 'default', source: { repoURL: 'file:///repo', path: `apps/${name}`, targetRevision: 'main' }, destination: { name: 'us-east', namespace: 'shop' } },
    status: { sync: { status: 'Synced', revision: 'abc' }, health: { status: 'Healthy' }, summary: {}, sourceType: 'Kustomize', controllerNamespace: 'argocd' },
  };
}


let store: AppStore;
let api: ArgoCdApi;
before(async () => {
  store = createAppStore();
  store.create(app('catalog'));
  store.create(app('payments'));
  // The stream route reads only the store; the rest of the context is never reached.
  const context = { store, clock: createSandboxClock({ speed: 1 }), controller: {} as AppController } as unknown as ArgoContext;
  api = await startArgoCdApi({ port: 0, tls, token: TOKEN, context, log: () => undefined });
});
after(async () => {
  await api.close();
});

const setHealth = (name: string, status: string) => store.update(name, (a) => void (a.status.health = { status }));

test("the feed counts the named app's events (status-only writes too) and none of another app's", async () => {
  const feed = watchApplication({ url: api.url, token: TOKEN, ca: tls.caCert, backoffMs: 50 }, 'catalog');
  try {
    await until('the stream connects and sends the app as ADDED', () => Promise.resolve(feed.live && feed.seen >= 1));
    const before = feed.seen;
    setHealth('payments', 'Degraded');
    setHealth('catalog', 'Progressing');
    await until('the status change arrives', () => Promise.resolve(feed.seen > before));
    assert.equal(feed.seen, before + 1, 'one event: the other app is filtered out by ?name=');
  } finally {
    feed.close();
  }
});

test('a cut stream reconnects and the app arrives again as ADDED; refused, the feed stays down', async () => {
  const r = await tcpRelay(api.port);
  const feed = watchApplication({ url: `https://127.0.0.1:${r.port}`, token: TOKEN, ca: tls.caCert, backoffMs: 50, maxBackoffMs: 200 }, 'catalog');
  try {
    await until('connected', () => Promise.resolve(feed.live && feed.seen >= 1));
    const before = feed.seen;
    r.cut();
    await until('reconnected, the app sent again', () => Promise.resolve(feed.live && feed.seen > before));
    await r.refuse();
    await until('the feed knows it is down', () => Promise.resolve(!feed.live));
    const down = feed.seen;
    setHealth('catalog', 'Degraded');
    // Nothing to wait on but the absence of an event: the state the API holds proves the write happened.
    assert.equal(store.get('catalog')?.status.health.status, 'Degraded');
    assert.equal(feed.seen, down, 'no stream, no event: the wait falls back to polling (wait-feeds.test.ts)');
  } finally {
    feed.close();
  }
});

test('with Accept: text/event-stream the stream is server-sent events, each result a data line', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${api.url}/api/v1/stream/applications?name=payments`, { ca: tls.caCert, headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' } }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.includes('\n\n')) {
          req.destroy();
          resolve(body);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  assert.match(text, /^data: \{"result":\{"type":"ADDED","application":\{/);
  assert.ok(text.endsWith(' \n\n'), 'upstream frames each event as `data: <json> \\n\\n`');
  const parsed = JSON.parse(text.slice('data: '.length).trim()) as { result: { application: Application } };
  assert.equal(parsed.result.application.metadata.name, 'payments');
});

test('a stream without a token is refused as every Argo CD route is', async () => {
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = request(`${api.url}/api/v1/stream/applications`, { ca: tls.caCert }, (res) => (res.resume(), resolve(res.statusCode)));
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 401);
});
