import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undelivered, type Severity } from '../core/comms.ts';
import { decide } from '../core/decide.ts';
import type { Plan } from '../core/plan.ts';
import type { Clock, JournalStore } from '../core/ports.ts';
import type { JournalRecord, StepStatus } from '../core/run.ts';
import { FileJournalStore } from '../executor/journal/file-journal-store.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { startFakeHttpServer, type FakeHandler, type RecordedRequest } from '../testing/fake-http-server.ts';
import type { CommsConfig } from '../config/comms-config.ts';
import { notifyingJournal, subscriptionsFor } from './comms-service.ts';

const RUN = '20260520-143013-bookstore-catalog-us-east';
const plan: Plan = decide(FakeFacts.seed().build());

/** The run's clock: starts at the seed's 14:30:13, advances one second per read; sleeps are recorded, not slept. */
function fakeClock(): Clock & { readonly slept: number[] } {
  let t = Date.parse('2026-05-20T14:30:13Z');
  const slept: number[] = [];
  return { slept, now: () => new Date((t += 1000)), sleep: (ms) => (slept.push(ms), Promise.resolve()) };
}

/** Plays the executor's records for steps [from, to) of the seed plan, all succeeding, then the final status. */
async function play(journal: JournalStore, clock: Clock, from: number, to: number, final: 'awaiting-revert' | 'finished' | 'failed'): Promise<void> {
  const at = () => clock.now().toISOString();
  if (from === 0) await journal.append({ type: 'run-started', runId: RUN, app: plan.app, at: at(), plan, actor: 'alice' });
  await journal.append({ type: 'run-status', runId: RUN, at: at(), status: 'running' });
  for (let i = from; i < to; i++) {
    const s = plan.steps[i]!;
    const failed = final === 'failed' && i === to - 1;
    const status: StepStatus = failed ? 'failed' : final === 'awaiting-revert' && i === to - 1 ? 'pending' : 'succeeded';
    await journal.append({ type: 'intent', runId: RUN, at: at(), step: i, kind: s.kind, phase: s.phase });
    await journal.append({ type: 'outcome', runId: RUN, at: at(), step: i, kind: s.kind, phase: s.phase, status, evidence: [], ...(failed ? { error: 'Pods still run the bad digest', failure: 'verification' as const } : {}) });
  }
  await journal.append({ type: 'run-status', runId: RUN, at: at(), status: final });
}

async function withJournal(f: (journal: FileJournalStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-comms-'));
  try {
    await f(new FileJournalStore(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const webApiAnswers: FakeHandler = (r) => ({ body: { ok: true, channel: 'C1', ts: String(r.body).includes('thread_ts') ? `1716215467.${String(Math.random()).slice(2, 8)}` : '1716215400.000100' } });
const calls = (reqs: readonly RecordedRequest[]) =>
  reqs.map((r) => {
    const f = new URLSearchParams(String(r.body));
    return `${r.path.replace('/api/', '')} ${f.get('channel')}${f.get('thread_ts') ? ' thread' : ''}${f.get('ts') ? ` ts=${f.get('ts')}` : ''}: ${f.get('text')}`;
  });

function wiring(comms: CommsConfig, severity: Severity, clock: Clock, env: NodeJS.ProcessEnv) {
  const app = { name: plan.app, severity, slackChannel: '#bookstore-platform-status' };
  return { clock, retries: 2, appOf: () => app, subscriptions: (a: typeof app, p: Plan) => subscriptionsFor(comms, [], a, p, env) };
}

test('P1 with a bot token: one message in the status channel, replies in its thread, its status updated; a resumed run does not post twice', async () => {
  const slack = await startFakeHttpServer(webApiAnswers);
  await withJournal(async (file) => {
    const clock = fakeClock();
    const comms: CommsConfig = { slack: { apiUrl: `${slack.url}/api/`, botToken: { env: 'SLACK_BOT_TOKEN' } }, timeoutMs: 2000, retries: 2 };
    const env = { SLACK_BOT_TOKEN: 'xoxb-1234-secret' };
    // The rollback: mitigate and verify, then the follow-up waits for the revert.
    await play(notifyingJournal(file, wiring(comms, 'P1', clock, env)), clock, 0, 8, 'awaiting-revert');
    // `rewind finish` later, in a new process: a new wrapper over the same journal.
    await play(notifyingJournal(file, wiring(comms, 'P1', clock, env)), clock, 7, 12, 'finished');
    assert.deepEqual(calls(slack.requests), [
      'chat.postMessage #bookstore-platform-status: Catalog regression detected after deploy d8f3c2a in us-east; rolling back to a1b2c3d; updates follow.',
      'chat.postMessage #bookstore-platform-status thread: Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:30 UTC; verifying recovery.',
      'chat.update #bookstore-platform-status ts=1716215400.000100: Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:30 UTC; verifying recovery.',
      'chat.postMessage #bookstore-platform-status thread: Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:30 UTC; metrics recovered; investigating root cause.',
      'chat.update #bookstore-platform-status ts=1716215400.000100: Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:30 UTC; metrics recovered; investigating root cause.',
      'chat.postMessage #bookstore-platform-status thread: Catalog regression detected after deploy d8f3c2a in us-east; the revert of d8f3c2a is on the branch and auto-sync is back on; resolved.',
      'chat.update #bookstore-platform-status ts=1716215400.000100: Catalog regression detected after deploy d8f3c2a in us-east; the revert of d8f3c2a is on the branch and auto-sync is back on; resolved.',
    ]);
    const records = await file.read(RUN);
    const notices = records.filter((r) => r.type === 'notice');
    assert.deepEqual(notices.map((r) => `${r.event} ${r.state}`), ['started intent', 'started sent', 'mitigated intent', 'mitigated sent', 'verified intent', 'verified sent', 'follow-up-done intent', 'follow-up-done sent']);
    assert.equal(notices.find((r) => r.state === 'sent')?.ref, '1716215400.000100', 'the first message ts is journaled');
    assert.ok(!JSON.stringify(records).includes('xoxb-1234-secret'));
    assert.deepEqual(undelivered(records), []);
  });
  await slack.close();
});

test('a notice whose intent has no outcome (crash while sending) is sent again on resume: at least once', async () => {
  const slack = await startFakeHttpServer(webApiAnswers);
  await withJournal(async (file) => {
    const clock = fakeClock();
    const comms: CommsConfig = { slack: { apiUrl: `${slack.url}/api/`, botToken: { env: 'T' } }, timeoutMs: 2000, retries: 0 };
    await play(notifyingJournal(file, wiring(comms, 'P1', clock, { T: 'xoxb-x' })), clock, 0, 4, 'failed');
    // The process died after journaling the intent of a follow-up notice but before sending it.
    await file.append({ type: 'notice', runId: RUN, at: clock.now().toISOString(), event: 'follow-up-done', target: 'slack #bookstore-platform-status', state: 'intent' });
    assert.deepEqual(undelivered(await file.read(RUN)).map((r) => r.event), ['follow-up-done']);
    const before = slack.requests.length;
    await play(notifyingJournal(file, wiring(comms, 'P1', clock, { T: 'xoxb-x' })), clock, 4, 12, 'finished');
    const after = calls(slack.requests.slice(before));
    assert.ok(!after.some((c) => c.includes('rolling back to')), 'started was sent: not again');
    assert.equal(after.filter((c) => c.includes('resolved.')).length, 2, 'follow-up-done: one reply and one update');
    assert.deepEqual(undelivered(await file.read(RUN)), []);
  });
  await slack.close();
});

test('P0 with webhooks: the status channel, the tenant contact and a status-page incident; P1 only the status channel', async () => {
  const status = await startFakeHttpServer(() => ({ body: 'ok' }));
  const tenant = await startFakeHttpServer(() => ({ body: 'ok' }));
  const page = await startFakeHttpServer(() => ({ body: {} }));
  const comms: CommsConfig = {
    slack: { apiUrl: 'https://slack.invalid/api/', webhookUrl: { env: 'HOOK' }, tenantWebhookUrl: { env: 'TENANT_HOOK' } },
    statusPage: { kind: 'webhook', url: { env: 'PAGE_HOOK' } },
    timeoutMs: 2000,
    retries: 0,
  };
  const env = { HOOK: `${status.url}/services/T/B/statuskey`, TENANT_HOOK: `${tenant.url}/services/T/B/tenantkey`, PAGE_HOOK: `${page.url}/hooks/pagekey` };
  await withJournal(async (file) => {
    const clock = fakeClock();
    await play(notifyingJournal(file, wiring(comms, 'P0', clock, env)), clock, 0, 8, 'awaiting-revert');
    await play(notifyingJournal(file, wiring(comms, 'P0', clock, env)), clock, 7, 12, 'finished');
    const texts = (s: typeof status) => s.requests.map((r) => (r.body as { text: string }).text);
    assert.equal(texts(status).length, 4);
    assert.deepEqual(texts(tenant), texts(status));
    assert.deepEqual(
      page.requests.map((r) => { const b = r.body as { type: string; incident: { id: string; status: string; title: string } }; return `${b.type} ${b.incident.status} ${b.incident.id} ${b.incident.title}`; }),
      [
        `incident.created investigating ${RUN} Catalog degraded in us-east`,
        `incident.updated identified ${RUN} Catalog degraded in us-east`,
        `incident.updated monitoring ${RUN} Catalog degraded in us-east`,
        `incident.resolved resolved ${RUN} Catalog degraded in us-east`,
      ],
    );
    const records = JSON.stringify(await file.read(RUN));
    for (const secret of ['statuskey', 'tenantkey', 'pagekey']) assert.ok(!records.includes(secret), secret);
  });
  const p1 = await startFakeHttpServer(() => ({ body: 'ok' }));
  await withJournal(async (file) => {
    const clock = fakeClock();
    await play(notifyingJournal(file, wiring(comms, 'P1', clock, { ...env, HOOK: `${p1.url}/h` })), clock, 0, 8, 'awaiting-revert');
    assert.equal(p1.requests.length, 3);
    assert.deepEqual(new Set((await file.read(RUN)).filter((r) => r.type === 'notice').map((r) => r.target)), new Set(['slack webhook status-channel']));
  });
  await Promise.all([status.close(), tenant.close(), page.close(), p1.close()]);
});

test('a receiver answering 500 then 429 is retried with back-off and Retry-After; one that stays down is journaled as not delivered, and the run goes on', async () => {
  const answers = [{ status: 500 }, { status: 429, headers: { 'retry-after': '12' } }];
  const flaky = await startFakeHttpServer((_r, i) => answers[i] ?? { body: 'ok' });
  const down = await startFakeHttpServer(() => ({ status: 503 }));
  await withJournal(async (file) => {
    const clock = fakeClock();
    const comms: CommsConfig = { slack: { apiUrl: 'https://slack.invalid/api/', webhookUrl: { env: 'HOOK' }, tenantWebhookUrl: { env: 'TENANT' } }, timeoutMs: 2000, retries: 2 };
    const env = { HOOK: `${flaky.url}/h`, TENANT: `${down.url}/t` };
    const journal = notifyingJournal(file, wiring(comms, 'P0', clock, env));
    await play(journal, clock, 0, 6, 'failed');
    assert.deepEqual(clock.slept.slice(0, 2), [1000, 12_000], 'first a 1 s back-off, then what Retry-After said');
    const records = await file.read(RUN);
    const sent = records.filter((r): r is Extract<JournalRecord, { type: 'notice' }> => r.type === 'notice' && r.target === 'slack webhook status-channel' && r.state === 'sent');
    assert.deepEqual(sent.map((r) => [r.event, r.attempts]), [['started', 3], ['mitigated', 1], ['failed', 1]]);
    assert.deepEqual(
      undelivered(records).map((r) => `${r.target} ${r.event}: ${r.error} after ${r.attempts}`),
      [
        'slack webhook tenant-contact started: slack webhook tenant-contact: HTTP 503 after 3',
        'statuspage started: statuspage: P0 needs a status-page entry: set comms.statusPage in rewind.yaml after 1',
        'slack webhook tenant-contact mitigated: slack webhook tenant-contact: HTTP 503 after 3',
        'statuspage mitigated: statuspage: P0 needs a status-page entry: set comms.statusPage in rewind.yaml after 1',
        'slack webhook tenant-contact failed: slack webhook tenant-contact: HTTP 503 after 3',
        'statuspage failed: statuspage: P0 needs a status-page entry: set comms.statusPage in rewind.yaml after 1',
      ],
    );
    // The run's final status was journaled last: waiting for the receivers did not stop it.
    const final = [...records].reverse().find((r) => r.type !== 'notice');
    assert.deepEqual(final?.type === 'run-status' ? final.status : final?.type, 'failed');
    assert.equal((flaky.requests.at(-1)?.body as { text: string }).text, `Catalog regression detected after deploy d8f3c2a in us-east; the rollback to a1b2c3d did not complete (${plan.steps[5]!.title}: Pods still run the bad digest); responders are on it.`);
  });
  await Promise.all([flaky.close(), down.close()]);
});
