import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError, makeNotice, type NoticeFacts } from '../../core/comms.ts';
import { startFakeHttpServer, type RecordedRequest } from '../../testing/fake-http-server.ts';
import { createSlackWebApiNotifier, createSlackWebhookNotifier } from './index.ts';

const facts: NoticeFacts = {
  runId: '20260520-143000-bookstore-catalog-us-east',
  app: 'bookstore-catalog-us-east',
  severity: 'P1',
  service: 'Catalog',
  region: 'us-east',
  badRevision: 'd8f3c2a0000000000000000000000000000000000',
  goodRevision: 'a1b2c3d0000000000000000000000000000000000',
  mitigatedAt: '2026-05-20T14:31:07.000Z',
  metricsRecovered: true,
  resolvedBy: 'rewind argocd-rollback (rollback to id 41)',
  mechanism: 'argocd-rollback',
};
const signal = new AbortController().signal;

/** Slack's Web API takes form fields; objects (blocks) are JSON in a field. */
function form(r: RecordedRequest): Record<string, unknown> {
  const params = new URLSearchParams(String(r.body));
  return Object.fromEntries([...params].map(([k, v]) => [k, k === 'blocks' ? JSON.parse(v) : v]));
}

test('webhook: the seed sentence as Block Kit, exactly', async () => {
  const server = await startFakeHttpServer(() => ({ status: 200, body: 'ok' }));
  try {
    const n = createSlackWebhookNotifier({ url: `${server.url}/services/T000/B000/XXXX`, target: 'slack webhook status-channel', timeoutMs: 2000 });
    await n.deliver(makeNotice('verified', facts), undefined, { signal });
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.path, '/services/T000/B000/XXXX');
    assert.deepEqual(server.requests[0]?.body, {
      text: 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; metrics recovered; investigating root cause.',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'P1 bookstore-catalog-us-east: recovered, follow-up open' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; metrics recovered; investigating root cause.' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'rewind run `20260520-143000-bookstore-catalog-us-east` · verified' }] },
      ],
    });
  } finally {
    await server.close();
  }
});

test('webhook: 429 carries Retry-After, 500 is retryable, 404 is not; the URL never appears in the error', async () => {
  const answers = [{ status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' }, { status: 500, body: 'oops' }, { status: 404, body: 'no_service' }];
  const server = await startFakeHttpServer((_r, i) => answers[i] ?? { status: 200 });
  const url = `${server.url}/services/T000/B000/SECRETPART`;
  try {
    const n = createSlackWebhookNotifier({ url, target: 'slack webhook status-channel', timeoutMs: 2000 });
    const errors: DeliveryError[] = [];
    for (let i = 0; i < 3; i++) await n.deliver(makeNotice('started', facts), undefined, { signal }).catch((e: unknown) => errors.push(e as DeliveryError));
    assert.deepEqual(errors.map((e) => [e.retryable, e.retryAfterMs, e.message]), [
      [true, 7000, 'slack webhook status-channel: HTTP 429'],
      [true, undefined, 'slack webhook status-channel: HTTP 500'],
      [false, undefined, 'slack webhook status-channel: HTTP 404'],
    ]);
    for (const e of errors) assert.ok(!e.message.includes('SECRETPART') && !String(e.stack).includes('SECRETPART'));
  } finally {
    await server.close();
  }
});

test('webhook: a receiver that does not answer in time is a retryable timeout', async () => {
  const server = await startFakeHttpServer(() => ({ delayMs: 1000, status: 200 }));
  try {
    const n = createSlackWebhookNotifier({ url: `${server.url}/hook`, target: 'slack webhook status-channel', timeoutMs: 50 });
    await assert.rejects(n.deliver(makeNotice('started', facts), undefined, { signal }), (e: unknown) => e instanceof DeliveryError && e.retryable && /timed out|no answer/.test(e.message));
  } finally {
    await server.close();
  }
});

test('Web API: the first notice is chat.postMessage (its ts is the thread); later ones reply in the thread and update the first', async () => {
  const server = await startFakeHttpServer((r) => ({ body: r.path.endsWith('chat.postMessage') ? { ok: true, channel: 'C1', ts: String(r.body).includes('thread_ts') ? '1716215467.000200' : '1716215400.000100' } : { ok: true, ts: '1716215400.000100' } }));
  try {
    const n = createSlackWebApiNotifier({ token: 'xoxb-test-token', channel: '#bookstore-platform-status', apiUrl: `${server.url}/api/`, timeoutMs: 2000 });
    assert.equal(n.target, 'slack #bookstore-platform-status');
    const first = await n.deliver(makeNotice('started', facts), undefined, { signal });
    assert.deepEqual(first, { ref: '1716215400.000100' });
    const second = await n.deliver(makeNotice('mitigated', facts), { ref: '1716215400.000100' }, { signal });
    assert.deepEqual(second, { ref: '1716215400.000100' });
    assert.deepEqual(server.requests.map((r) => r.path), ['/api/chat.postMessage', '/api/chat.postMessage', '/api/chat.update']);
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer xoxb-test-token');
    const [post, reply, update] = server.requests.map(form);
    assert.equal(post?.['channel'], '#bookstore-platform-status');
    assert.equal(post?.['thread_ts'], undefined);
    assert.equal(post?.['text'], 'Catalog regression detected after deploy d8f3c2a in us-east; rolling back to a1b2c3d; updates follow.');
    assert.equal(reply?.['thread_ts'], '1716215400.000100');
    assert.equal(reply?.['text'], 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; verifying recovery.');
    assert.equal(update?.['ts'], '1716215400.000100');
    assert.deepEqual((update?.['blocks'] as { text?: { text: string } }[])[0]?.text?.text, 'P1 bookstore-catalog-us-east: rolled back, verifying');
  } finally {
    await server.close();
  }
});

test('Web API: 429 is a retryable rate limit with Retry-After; channel_not_found is not retryable', async () => {
  const answers = [{ status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } }, { body: { ok: false, error: 'channel_not_found' } }];
  const server = await startFakeHttpServer((_r, i) => answers[i] ?? { status: 200 });
  try {
    const n = createSlackWebApiNotifier({ token: 'xoxb-test-token', channel: '#nope', apiUrl: `${server.url}/api/`, timeoutMs: 2000 });
    const e1 = await n.deliver(makeNotice('started', facts), undefined, { signal }).catch((e: unknown) => e as DeliveryError);
    const e2 = await n.deliver(makeNotice('started', facts), undefined, { signal }).catch((e: unknown) => e as DeliveryError);
    assert.ok(e1 instanceof DeliveryError && e1.retryable && e1.retryAfterMs === 3000, "e1");
    assert.ok(e2 instanceof DeliveryError && !e2.retryable && e2.message === 'slack #nope: Slack said channel_not_found', "e2");
    assert.ok(!e1.message.includes('xoxb') && !e2.message.includes('xoxb'));
  } finally {
    await server.close();
  }
});
