import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { AdapterError, NotFoundError } from '../../core/errors.ts';
import { startFakeHttpServer, type FakeHandler } from '../../testing/fake-http-server.ts';
import { generateSandboxTls } from '../../testing/test-tls.ts';
import { createArgoCdGitOpsClient, type ArgoCdGitOpsClientOptions } from './argocd-gitops-client.ts';

const TOKEN = 'secret-token-value';
const GOOD = 'a1b2c3d000000000000000000000000000000000';
const BAD = 'd8f3c2a000000000000000000000000000000000';

function seedApp(overrides: { syncPolicy?: unknown } = {}) {
  return {
    metadata: {
      name: 'bookstore-catalog-us-east',
      namespace: 'argocd',
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', name: 'bookstore', uid: 'u' }],
    },
    spec: {
      project: 'bookstore',
      source: { repoURL: 'file:///repo.git', path: 'apps/catalog/us-east', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'bookstore-platform-acme-books' },
      syncPolicy: overrides.syncPolicy ?? { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: { status: 'Synced', revision: BAD },
      health: { status: 'Healthy' },
      history: [
        { id: '42', revision: BAD, deployedAt: '2026-05-20T14:22:13Z', source: { repoURL: 'file:///repo.git', path: 'apps/catalog/us-east' } },
        { id: 41, revision: GOOD, deployedAt: '2026-05-20T11:08:51Z', initiatedBy: { automated: true } },
      ],
      operationState: { phase: 'Succeeded', message: 'successfully synced', syncResult: { revision: BAD }, finishedAt: '2026-05-20T14:22:20Z' },
      summary: { images: ['ghcr.io/acme/catalog@sha256:bad'] },
    },
  };
}

async function withServer(handler: FakeHandler, fn: (url: string, sleeps: number[], requests: () => readonly { method: string; path: string; headers: Record<string, unknown>; body: unknown }[]) => Promise<void>) {
  const server = await startFakeHttpServer(handler);
  const sleeps: number[] = [];
  try {
    await fn(server.url, sleeps, () => server.requests);
  } finally {
    await server.close();
  }
}

function client(url: string, sleeps: number[], extra: Partial<ArgoCdGitOpsClientOptions> = {}) {
  return createArgoCdGitOpsClient({ url, token: TOKEN, sleep: (ms) => Promise.resolve(void sleeps.push(ms)), random: () => 0.5, ...extra });
}

const APPSET = {
  metadata: { name: 'bookstore', namespace: 'argocd' },
  spec: {
    syncPolicy: { applicationsSync: 'create-update' },
    ignoreApplicationDifferences: [
      { jsonPointers: ['/spec/syncPolicy'] },
      { name: 'bookstore-catalog-us-east', jsonPointers: ['/spec/source/targetRevision'], jqPathExpressions: ['.spec.info'] },
      { name: 'another-app', jsonPointers: ['/metadata/labels'] },
    ],
    preservedFields: { annotations: ['rewind.dev/hold'], labels: ['team'] },
  },
};

test('getApplication maps history, sync policy, ownership and images, sending the bearer token', async () => {
  await withServer((req) => ({ body: req.path.startsWith('/api/v1/applicationsets/') ? APPSET : seedApp() }), async (url, sleeps, requests) => {
    const app = await client(url, sleeps).getApplication('bookstore-catalog-us-east', { refresh: true });
    assert.equal(requests()[0]?.path, '/api/v1/applications/bookstore-catalog-us-east?refresh=normal');
    assert.equal(requests()[0]?.headers['authorization'], `Bearer ${TOKEN}`);
    assert.deepEqual(app.history.map((h) => [h.id, h.revision]), [[41, GOOD], [42, BAD]]);
    assert.equal(app.history[1]?.deployedAt, '2026-05-20T14:22:13.000Z');
    assert.deepEqual(app.syncPolicy, { automated: { prune: true, selfHeal: true, enabled: true } });
    assert.equal(app.revisionHistoryLimit, 10);
    assert.equal(requests()[1]?.path, '/api/v1/applicationsets/bookstore', 'the owner is read too');
    assert.deepEqual(app.owner, {
      kind: 'ApplicationSet',
      name: 'bookstore',
      applicationSet: {
        ignoredPointers: ['/spec/syncPolicy', '/spec/source/targetRevision'],
        jqPathExpressions: ['.spec.info'],
        preservedAnnotations: ['rewind.dev/hold'],
        preservedLabels: ['team'],
        applicationsSync: 'create-update',
        siblings: [],
      },
    });
    assert.deepEqual(app.images, ['ghcr.io/acme/catalog@sha256:bad']);
    assert.deepEqual(app.sync, { status: 'Synced', revision: BAD });
    assert.equal(app.operation?.phase, 'Succeeded');
    assert.equal(app.source.targetRevision, 'main');
    assert.ok(Object.isFrozen(app));
  });
});

test('401 becomes an AdapterError pointing at the token, without the token in it', async () => {
  await withServer(() => ({ status: 401, body: { code: 16, message: `invalid session: token ${TOKEN} expired` } }), async (url, sleeps, requests) => {
    const err = await client(url, sleeps).getApplication('catalog').catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError);
    assert.equal(err.system, 'argocd');
    assert.equal(err.status, 401);
    assert.equal(err.transient, false);
    assert.match(err.hint ?? '', /ARGOCD_AUTH_TOKEN \/ tokenFile/);
    assert.doesNotMatch(err.message, new RegExp(TOKEN));
    assert.equal(requests().length, 1, 'auth failures are not retried');
  });
});

test('404 becomes a NotFoundError naming the application', async () => {
  await withServer(() => ({ status: 404, body: { code: 5, message: 'applications.argoproj.io "nope" not found' } }), async (url, sleeps) => {
    await assert.rejects(client(url, sleeps).getApplication('nope'), (e: unknown) => e instanceof NotFoundError && /no application nope/.test(e.message));
  });
});

test('500 is retried with backoff, then fails as a transient AdapterError', async () => {
  await withServer(() => ({ status: 500, body: { code: 13, message: 'etcdserver: leader changed' } }), async (url, sleeps, requests) => {
    const err = await client(url, sleeps).getApplication('catalog').catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError && err.transient && err.status === 500);
    assert.match(err.message, /leader changed/);
    assert.equal(requests().length, 4);
    assert.deepEqual(sleeps, [250, 500, 1000]);
  });
});

test('back-off is jittered: each wait lies between half and one and a half times the doubling step', async () => {
  await withServer(() => ({ status: 503, body: 'upstream' }), async (url) => {
    const sleeps: number[] = [];
    const draws = [0, 0.999, 0.25];
    await client(url, sleeps, { random: () => draws.shift() ?? 0 }).getApplication('catalog').catch(() => undefined);
    assert.deepEqual(sleeps, [125, 750, 750]);
  });
});

test('connection refused is retried for reads, never for a rollback', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const sleeps: number[] = [];
  const c = client(`https://127.0.0.1:${port}`, sleeps);
  const err = await c.getApplication('catalog').catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError && /connection refused/.test(err.message), String(err));
  assert.equal(sleeps.length, 3, 'three back-offs between four attempts');
  sleeps.length = 0;
  await assert.rejects(c.rollback('catalog', 41, { prune: false }), /connection refused/);
  assert.equal(sleeps.length, 0, 'a rollback is not retried');
});

test('a 503 followed by success succeeds', async () => {
  await withServer((_req, i) => (i === 0 ? { status: 503, body: 'upstream' } : { body: seedApp() }), async (url, sleeps, requests) => {
    const app = await client(url, sleeps).getApplication('bookstore-catalog-us-east');
    assert.equal(app.name, 'bookstore-catalog-us-east');
    assert.equal(requests().length, 3, 'one retry, then the owner');
  });
});

test('a reset connection is transient and retried; rollback (not idempotent) is never retried', async () => {
  await withServer(() => ({ destroy: true }), async (url, sleeps, requests) => {
    const c = client(url, sleeps);
    const err = await c.getApplication('catalog').catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError && err.transient, String(err));
    assert.equal(requests().length, 4);
    await assert.rejects(c.rollback('catalog', 41, { prune: false }), (e: unknown) => e instanceof AdapterError && e.transient);
    assert.equal(requests().length, 5);
  });
});

test('a server that does not answer in time is a transient timeout', async () => {
  await withServer(() => ({ delayMs: 300, body: seedApp() }), async (url, sleeps, requests) => {
    const err = await client(url, sleeps, { timeoutMs: 50, tries: 2 }).getApplication('catalog').catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError && err.transient, String(err));
    assert.equal(requests().length, 2);
  });
});

test('rollback posts id, prune and dryRun, and reports FailedPrecondition (auto-sync on) as Argo CD says it', async () => {
  const message = 'rollback cannot be initiated when auto-sync is enabled';
  await withServer(() => ({ status: 400, body: { code: 9, error: message, message } }), async (url, sleeps, requests) => {
    const err = await client(url, sleeps).rollback('catalog', 41, { prune: true, dryRun: false }).catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError);
    assert.match(err.message, /rollback cannot be initiated when auto-sync is enabled/);
    assert.match(err.hint ?? '', /disable it first/);
    assert.equal(requests().length, 1);
    assert.equal(requests()[0]?.method, 'POST');
    assert.equal(requests()[0]?.path, '/api/v1/applications/catalog/rollback');
    assert.deepEqual(requests()[0]?.body, { name: 'catalog', id: 41, prune: true, dryRun: false });
  });
});

test('rollback to an id Argo CD does not keep is a NotFoundError', async () => {
  const message = 'application argocd/catalog does not have deployment with id 7';
  await withServer(() => ({ status: 400, body: { code: 3, message } }), async (url, sleeps) => {
    await assert.rejects(client(url, sleeps).rollback('catalog', 7, { prune: false }), (e: unknown) => e instanceof NotFoundError && /history id 7/.test(e.message));
  });
});

/**
 * A fake Argo CD that keeps one app's spec: GET answers the app, `PUT .../spec` stores the spec
 * (dropping `automated.enabled` when `pre31`, as servers before 3.1 do) and answers with it.
 */
function specServer(opts: { pre31?: boolean; owner?: unknown } = {}): FakeHandler {
  let app = seedApp();
  return (req) => {
    if (req.path.startsWith('/api/v1/applicationsets/')) return opts.owner === undefined ? { status: 403, body: { code: 7, message: 'permission denied' } } : { body: opts.owner };
    if (req.method === 'PUT') {
      const spec = structuredClone(req.body) as ReturnType<typeof seedApp>['spec'];
      const automated = (spec.syncPolicy as { automated?: Record<string, unknown> } | undefined)?.automated;
      if (opts.pre31 && automated) delete automated['enabled'];
      app = { ...app, spec };
      return { body: spec };
    }
    return { body: app };
  };
}

test('disabling auto-sync keeps prune/selfHeal with enabled:false, through UpdateSpec without validation', async () => {
  await withServer(specServer(), async (url, sleeps, requests) => {
    await client(url, sleeps).setSyncPolicy('catalog', { automated: { prune: true, selfHeal: true, enabled: false } });
    const put = requests().filter((r) => r.method === 'PUT');
    assert.equal(put.length, 1);
    assert.equal(put[0]?.path, '/api/v1/applications/catalog/spec?validate=false', 'PATCH would validate (and fail while git is down)');
    const spec = put[0]?.body as ReturnType<typeof seedApp>['spec'];
    assert.deepEqual(spec.syncPolicy, { automated: { prune: true, selfHeal: true, enabled: false } });
    assert.equal(spec.source.path, 'apps/catalog/us-east', 'the rest of the spec is written back as read');
  });
});

test('on a server older than 3.1 (enabled dropped), disabling removes the automated block', async () => {
  await withServer(specServer({ pre31: true }), async (url, sleeps, requests) => {
    await client(url, sleeps).setSyncPolicy('catalog', { automated: { prune: true, selfHeal: true, enabled: false } });
    const put = requests().filter((r) => r.method === 'PUT');
    assert.equal(put.length, 2);
    assert.deepEqual((put[1]?.body as { syncPolicy: unknown }).syncPolicy, {});
  });
});

test('setSyncPolicy(null) removes the block and setTargetRevision pins, both without validation', async () => {
  await withServer(specServer(), async (url, sleeps, requests) => {
    const c = client(url, sleeps);
    await c.setSyncPolicy('catalog', { automated: null });
    await c.setTargetRevision('catalog', GOOD);
    await c.sync('catalog', { revision: GOOD, prune: false });
    const put = requests().filter((r) => r.method === 'PUT');
    assert.ok(put.every((r) => r.path.endsWith('/spec?validate=false')));
    assert.deepEqual((put[0]?.body as { syncPolicy: unknown }).syncPolicy, {});
    assert.deepEqual((put[1]?.body as { source: unknown }).source, { repoURL: 'file:///repo.git', path: 'apps/catalog/us-east', targetRevision: GOOD });
    assert.deepEqual((put[1]?.body as { syncPolicy: unknown }).syncPolicy, {}, 'the pin keeps the earlier change');
    assert.deepEqual(requests().at(-1)?.body, { name: 'catalog', revision: GOOD, prune: false });
  });
});

test('an owner that cannot be read is reported as unreadable, not as an owner without rules', async () => {
  await withServer(specServer(), async (url, sleeps) => {
    const app = await client(url, sleeps).getApplication('bookstore-catalog-us-east');
    assert.equal(app.owner?.kind, 'ApplicationSet');
    assert.equal(app.owner?.applicationSet, undefined);
    assert.match(app.owner?.unreadable ?? '', /permission denied/);
  });
});

test('a parent app is read for its sync policy and its own owner', async () => {
  const child = { ...seedApp(), metadata: { name: 'child', namespace: 'argocd', annotations: { 'argocd.argoproj.io/tracking-id': 'parent:argoproj.io/Application:argocd/child' } } };
  const parent = { ...seedApp(), metadata: { name: 'parent', namespace: 'argocd', labels: { 'app.kubernetes.io/instance': 'root' } } };
  await withServer((req) => ({ body: req.path.startsWith('/api/v1/applications/parent') ? parent : child }), async (url, sleeps, requests) => {
    const app = await client(url, sleeps).getApplication('child');
    assert.equal(requests()[1]?.path, '/api/v1/applications/parent');
    assert.deepEqual(app.owner, { kind: 'Application', name: 'parent', parent: { autoSync: true, selfHeal: true, syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true } }, owner: { kind: 'Application', name: 'root' } } });
  });
});

test('a refused connection names the URL and how to start the sandbox', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const err = await client(url, []).getApplication('catalog').catch((e: unknown) => e);
  assert.ok(err instanceof AdapterError);
  assert.match(err.message, new RegExp(`cannot reach Argo CD at ${url}`));
  assert.match(err.hint ?? '', /rewind sandbox up --detach/);
});

test('HTTPS is verified against the configured CA, and a wrong CA is a TLS error with a hint', async () => {
  const pki = generateSandboxTls();
  const server = await startFakeHttpServer(() => ({ body: seedApp() }), pki);
  try {
    const app = await client(server.url, [], { ca: pki.caCert }).getApplication('bookstore-catalog-us-east');
    assert.equal(app.name, 'bookstore-catalog-us-east');
    const err = await client(server.url, []).getApplication('x').catch((e: unknown) => e);
    assert.ok(err instanceof AdapterError);
    assert.match(err.message, /TLS verification/);
    assert.match(err.hint ?? '', /caFile/);
  } finally {
    await server.close();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
