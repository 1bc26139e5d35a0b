/**
 * The Argo CD resource-action request as upstream's API defines it (argoproj/argo-cd
 * `server/application/application.proto` RunResourceAction, the swagger's
 * `POST /api/v1/applications/{name}/resource/actions` with `namespace`, `resourceName`, `version`,
 * `group`, `kind` in the query and the action's name as the body), and its failures: a
 * PermissionDenied is a refusal (nothing changed; the caller falls back), the token never shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, RefusedError } from '../../core/errors.ts';
import { startFakeHttpServer, type FakeHandler } from '../../testing/fake-http-server.ts';
import { createArgoCdResourceActions } from './resource-actions.ts';

const TOKEN = 'argocd-secret-token-1234';
const resource = { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', namespace: 'bookstore-platform-acme-books', name: 'catalog-canary' };

async function withServer(handler: FakeHandler, fn: (actions: ReturnType<typeof createArgoCdResourceActions>, requests: () => readonly { method: string; path: string; headers: Record<string, unknown>; body: unknown }[]) => Promise<void>) {
  const server = await startFakeHttpServer(handler);
  try {
    await fn(createArgoCdResourceActions({ url: server.url, token: TOKEN }), () => server.requests);
  } finally {
    await server.close();
  }
}

test('runs an action with upstream\'s route, query and body', async () => {
  await withServer(() => ({ status: 200, body: {} }), async (actions, requests) => {
    const r = await actions.run('bookstore-catalog-canary-us-east', resource, 'abort');
    const [req] = requests();
    assert.equal(req?.method, 'POST');
    const url = new URL(req?.path ?? '', 'http://x');
    assert.equal(url.pathname, '/api/v1/applications/bookstore-catalog-canary-us-east/resource/actions');
    assert.deepEqual(Object.fromEntries(url.searchParams), { namespace: resource.namespace, resourceName: 'catalog-canary', version: 'v1alpha1', group: 'argoproj.io', kind: 'Rollout' });
    assert.equal(req?.body, 'abort', 'the body is the action name as a JSON string');
    assert.equal(req?.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(r.request, 'argocd POST /api/v1/applications/bookstore-catalog-canary-us-east/resource/actions "abort"');
    assert.ok(!r.request.includes(TOKEN));
  });
});

test('an RBAC denial is a refusal naming the action; an unknown resource is not found', async () => {
  await withServer((_req, i) => (i === 0
    ? { status: 403, body: { code: 7, message: 'permission denied: applications, action/argoproj.io/Rollout/abort, bookstore/bookstore-catalog-canary-us-east, sub: admin' } }
    : { status: 404, body: { code: 5, message: 'Rollout argoproj.io/catalog-canary not found as part of application x' } }), async (actions) => {
    await assert.rejects(actions.run('bookstore-catalog-canary-us-east', resource, 'abort'), (e: unknown) => e instanceof RefusedError && /RBAC denies action\/argoproj.io\/Rollout\/abort on bookstore-catalog-canary-us-east: permission denied/.test(e.message) && !e.message.includes(TOKEN));
    await assert.rejects(actions.run('x', resource, 'abort'), NotFoundError);
  });
});
