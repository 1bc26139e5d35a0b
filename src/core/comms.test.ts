import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeFacts } from '../testing/fake-facts.ts';
import { decide } from './decide.ts';
import { audiencesFor, eventOf, noticeFacts, noticeText, undelivered, type NoticeFacts } from './comms.ts';
import type { JournalRecord } from './run.ts';

const f: NoticeFacts = {
  runId: 'R',
  app: 'bookstore-catalog-us-east',
  severity: 'P1',
  service: 'Catalog',
  region: 'us-east',
  badRevision: 'd8f3c2a0000',
  goodRevision: 'a1b2c3d0000',
  mitigatedAt: '2026-05-20T14:31:07Z',
  metricsRecovered: true,
  resolvedBy: 'rewind argocd-rollback (rollback to id 41)',
  mechanism: 'argocd-rollback',
};

test("the seed's Step 4 sentence, event by event; 'metrics recovered' only when a metric step measured it", () => {
  assert.equal(noticeText('verified', f), 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; metrics recovered; investigating root cause.');
  assert.equal(noticeText('verified', { ...f, metricsRecovered: false }), 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; Pods run the good image, recovery metrics not checked; investigating root cause.');
  assert.equal(noticeText('started', f), 'Catalog regression detected after deploy d8f3c2a in us-east; rolling back to a1b2c3d; updates follow.');
  assert.equal(noticeText('failed', { ...f, failure: 'Roll back: refused' }), 'Catalog regression detected after deploy d8f3c2a in us-east; the rollback to a1b2c3d did not complete (Roll back: refused); responders are on it.');
  assert.equal(noticeText('follow-up-done', f), 'Catalog regression detected after deploy d8f3c2a in us-east; the revert of d8f3c2a is on the branch and auto-sync is back on; resolved.');
});

test('who hears: P1 and P2 the status channel; P0 also the tenant contact and the status page', () => {
  assert.deepEqual(audiencesFor('P1'), ['status-channel']);
  assert.deepEqual(audiencesFor('P2'), ['status-channel']);
  assert.deepEqual(audiencesFor('P0'), ['status-channel', 'tenant-contact', 'status-page']);
});

test('events from journal records; facts from the plan and journal', () => {
  const plan = decide(FakeFacts.seed().build());
  const at = '2026-05-20T14:31:07.000Z';
  const out = (step: number, status: 'succeeded' | 'failed' = 'succeeded'): JournalRecord => ({ type: 'outcome', runId: 'R', at, step, kind: plan.steps[step]!.kind, phase: plan.steps[step]!.phase, status, evidence: [] });
  const lastMitigate = plan.steps.map((s) => s.phase).lastIndexOf('mitigate');
  const lastVerify = plan.steps.map((s) => s.phase).lastIndexOf('verify');
  assert.equal(eventOf({ type: 'run-status', runId: 'R', at, status: 'running' }, plan), 'started');
  assert.equal(eventOf(out(0), plan), undefined);
  assert.equal(eventOf(out(lastMitigate), plan), 'mitigated');
  assert.equal(eventOf(out(lastVerify), plan), 'verified');
  assert.equal(eventOf(out(lastVerify, 'failed'), plan), undefined);
  assert.equal(eventOf({ type: 'run-status', runId: 'R', at, status: 'refused' }, plan), 'failed');
  assert.equal(eventOf({ type: 'run-status', runId: 'R', at, status: 'interrupted' }, plan), undefined);
  assert.equal(eventOf({ type: 'run-status', runId: 'R', at, status: 'finished' }, plan), 'follow-up-done');
  const facts = noticeFacts(plan, 'P0', 'R', [out(lastMitigate)]);
  assert.deepEqual([facts.service, facts.region, facts.mitigatedAt, facts.metricsRecovered, facts.change], ['Catalog', 'us-east', at, false, 'changed: image-digest']);
});

test('undelivered: failed after retries, or an intent the process never finished; sent is delivered', () => {
  const n = (event: 'started' | 'mitigated', target: string, state: 'intent' | 'sent' | 'failed'): JournalRecord => ({ type: 'notice', runId: 'R', at: '2026-05-20T14:31:07Z', event, target, state });
  const records = [n('started', 'a', 'intent'), n('started', 'a', 'sent'), n('started', 'b', 'intent'), n('started', 'b', 'failed'), n('mitigated', 'a', 'intent')];
  assert.deepEqual(undelivered(records).map((r) => `${r.event} ${r.target} ${r.state}`), ['started b failed', 'mitigated a intent']);
});
