import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError, makeNotice, type NoticeFacts } from '../../core/comms.ts';
import { startFakeHttpServer } from '../../testing/fake-http-server.ts';
import { createAtlassianStatusPage, createWebhookStatusPage } from './index.ts';

const facts: NoticeFacts = {
  runId: 'RUN1',
  app: 'bookstore-payments-us-east',
  severity: 'P0',
  service: 'Payments',
  region: 'us-east',
  badRevision: 'd8f3c2a',
  goodRevision: 'a1b2c3d',
  mitigatedAt: '2026-05-20T14:31:07.000Z',
  metricsRecovered: true,
  resolvedBy: 'rewind argocd-rollback (rollback to id 41)',
  mechanism: 'argocd-rollback',
};
const signal = new AbortController().signal;

test('Atlassian Statuspage: POST creates the incident (its id kept), PATCH updates and resolves it, with the OAuth key', async () => {
  const server = await startFakeHttpServer((r) => (r.method === 'POST' ? { status: 201, body: { id: 'p31zjtct2jer', name: 'Payments degraded in us-east', status: 'investigating' } } : { body: { id: 'p31zjtct2jer' } }));
  try {
    const page = createAtlassianStatusPage({ apiUrl: `${server.url}/v1`, pageId: 'kctbh9vrtdwd', apiKey: 'sp-key-secret', componentIds: ['ftgks51sfs2d'], timeoutMs: 2000 });
    assert.deepEqual(await page.deliver(makeNotice('started', facts), undefined, { signal }), { ref: 'p31zjtct2jer' });
    await page.deliver(makeNotice('follow-up-done', facts), { ref: 'p31zjtct2jer' }, { signal });
    const [create, resolve] = server.requests;
    assert.equal(create?.method, 'POST');
    assert.equal(create?.path, '/v1/pages/kctbh9vrtdwd/incidents');
    assert.equal(create?.headers.authorization, 'OAuth sp-key-secret');
    assert.deepEqual(create?.body, {
      incident: {
        name: 'Payments degraded in us-east',
        impact_override: 'major',
        status: 'investigating',
        body: 'Payments regression detected after deploy d8f3c2a in us-east; rolling back to a1b2c3d; updates follow.',
        component_ids: ['ftgks51sfs2d'],
        components: { ftgks51sfs2d: 'major_outage' },
        deliver_notifications: true,
      },
    });
    assert.equal(resolve?.method, 'PATCH');
    assert.equal(resolve?.path, '/v1/pages/kctbh9vrtdwd/incidents/p31zjtct2jer');
    assert.deepEqual(resolve?.body, {
      incident: {
        status: 'resolved',
        body: 'Payments regression detected after deploy d8f3c2a in us-east; the revert of d8f3c2a is on the branch and auto-sync is back on; resolved.',
        component_ids: ['ftgks51sfs2d'],
        components: { ftgks51sfs2d: 'operational' },
        deliver_notifications: true,
      },
    });
  } finally {
    await server.close();
  }
});

test('generic webhook: created, updated, resolved, keyed by the run; 429 with an HTTP-date Retry-After is retryable', async () => {
  const answers = [{ status: 200 }, { status: 429, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }];
  const server = await startFakeHttpServer((_r, i) => answers[i] ?? { status: 200 });
  try {
    const page = createWebhookStatusPage({ url: `${server.url}/status/secret-path`, timeoutMs: 2000 });
    assert.deepEqual(await page.deliver(makeNotice('verified', facts), undefined, { signal }), { ref: 'RUN1' });
    assert.deepEqual(server.requests[0]?.body, {
      type: 'incident.created',
      incident: {
        id: 'RUN1',
        title: 'Payments degraded in us-east',
        status: 'monitoring',
        message: 'Payments regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; metrics recovered; investigating root cause.',
        app: 'bookstore-payments-us-east',
        severity: 'P0',
        event: 'verified',
      },
    });
    const e = await page.deliver(makeNotice('follow-up-done', facts), { ref: 'RUN1' }, { signal }).catch((x: unknown) => x);
    assert.ok(e instanceof DeliveryError && e.retryable && (e.retryAfterMs ?? 0) > 50_000 && !e.message.includes('secret-path'), String(e));
  } finally {
    await server.close();
  }
});
