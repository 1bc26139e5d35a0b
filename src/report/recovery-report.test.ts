import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../core/decide.ts';
import type { JournalRecord } from '../core/run.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { buildRecoveryReport, median, percentile, type ReportRun } from './recovery-report.ts';

/** A seed-like run: deployed 14:22:13, alert 14:24:13, mitigated within seconds of 14:30:13, verified `recoverS` after it (or never). */
function run(id: string, opts: { recoverS?: number; verified?: boolean; lateAlert?: boolean; app?: string } = {}): ReportRun {
  const facts = FakeFacts.seed();
  // A late alert (hours after the deploy) is not the deploy's doing: the correlation check does not pass.
  const plan = decide(facts.alertAt(opts.lateAlert ? '2026-05-20T19:24:13Z' : '2026-05-20T14:24:13Z').build());
  const t0 = Date.parse('2026-05-20T14:30:13Z');
  const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
  const records: JournalRecord[] = [{ type: 'run-started', runId: id, app: plan.app, at: iso(0), plan, actor: 'a' }];
  const last = plan.steps.map((s) => s.phase).lastIndexOf('verify');
  for (let i = 0; i <= (opts.verified === false ? 3 : last); i++) {
    const s = plan.steps[i]!;
    const at = i === last ? iso(opts.recoverS ?? 60) : iso(i + 1);
    records.push({ type: 'outcome', runId: id, at, step: i, kind: s.kind, phase: s.phase, status: 'succeeded', evidence: [] });
  }
  return { runId: id, plan: opts.app ? { ...plan, app: opts.app } : plan, records, status: opts.verified === false ? 'interrupted' : 'awaiting-revert' };
}

test('median and p90 are values that happened (nearest rank), and nothing is a bare mean', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([1, 2, 3, 10]), 2.5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.9), 9);
  assert.equal(percentile([], 0.9), null);
});

test('recovery from deploy to verified, detect and mitigate; open runs and non-deploy failures apart; change fail rate from the deploy log', () => {
  const r = buildRecoveryReport({
    since: '2026-03-01T00:00:00.000Z',
    now: '2026-05-30T00:00:00.000Z',
    runs: [run('r1', { recoverS: 60 }), run('r2', { recoverS: 600, app: 'bookstore-orders-eu-west' }), run('r3', { verified: false }), run('r4', { lateAlert: true })],
    deploys: [{ app: 'bookstore-catalog-us-east', revisions: ['a', 'b', 'c'] }, { app: 'bookstore-orders-eu-west', revisions: ['x'] }],
    deployLogStart: '2026-04-01T00:00:00.000Z',
    gaps: [],
  });
  // The seed deploy landed 14:22:13; verified at 14:31:13 and 14:40:13.
  assert.deepEqual(r.failedDeploymentRecoveryTime, { n: 2, median: (540 + 1080) / 2, p90: 1080 });
  assert.deepEqual(r.timeToDetect, { n: 2, median: 120, p90: 120 });
  assert.equal(r.timeToMitigate.n, 2);
  assert.deepEqual(r.open.map((o) => o.runId), ['r3']);
  assert.deepEqual(r.notCausedByDeploy.map((o) => o.runId), ['r4']);
  // catalog: the log's 3 plus the failed d8f3c2a it did not list; orders: x plus d8f3c2a.
  assert.deepEqual(r.perApp, [{ app: 'bookstore-catalog-us-east', deploys: 4, failed: 1 }, { app: 'bookstore-orders-eu-west', deploys: 2, failed: 1 }]);
  assert.deepEqual(r.changeFailRate, { failedDeploys: 2, deploys: 6, rate: 2 / 6 });
  assert.equal(r.window.covered.from, '2026-04-01T00:00:00.000Z', 'the window actually covered starts where the deploy log does');
  assert.match(r.window.note ?? '', /history starts at/);
});

test('no runs, no deploys: figures are n=0 with no value, not zero', () => {
  const r = buildRecoveryReport({ since: '2026-03-01T00:00:00.000Z', now: '2026-05-30T00:00:00.000Z', runs: [], deploys: [], gaps: [] });
  assert.deepEqual(r.failedDeploymentRecoveryTime, { n: 0, median: null, p90: null });
  assert.equal(r.changeFailRate.rate, null);
});
