import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident } from './incident.ts';

/**
 * Argo CD's own semantics around failures, end to end: a git outage (upstream rolls back from the
 * repo-server's manifest cache, and fails when the cache is gone), and a sync that failed after a
 * partial apply (no history entry: the last successful deploy is what to go back to).
 */
describe('outages and failed operations', { concurrency: 1 }, () => {
  let sb: SandboxProcess;
  before(async () => {
    sb = await startSandboxProcess({ speed: 30 });
  });
  after(async () => {
    await sb?.stop();
  });
  const fault = async (what: string) => {
    const r = await incident(sb, 'bookstore-catalog-us-east').run(['sandbox', 'fault', what, '--dir', sb.dir]);
    assert.equal(r.code, 0, r.stderr);
  };

  test('git down: the rollback still lands from the manifest cache and the run waits for git; with the cache gone it fails (exit 3), holds, and resumes once git is back', async () => {
    const app = 'bookstore-catalog-us-east';
    const inc = incident(sb, app);
    const good = await inc.status();
    const bad = await inc.breakIt();
    // The operator's clone fetched the bad commit before the git host went down (a plan fetches).
    assert.equal((await inc.run(['plan', app])).code, 0);

    await fault('git-down');
    const plan = await inc.json<{ decision: string; warnings: string[] }>(['plan', app]);
    assert.equal(plan.doc.decision, 'rollback', plan.r.stderr);
    assert.ok(plan.doc.warnings.some((w) => /config repo could not be fetched/.test(w)), plan.doc.warnings.join(' | '));
    const rb = await inc.json<{ status: string }>(['rollback', app, '--yes']);
    assert.equal(rb.r.code, 0, rb.r.stderr + rb.r.stdout);
    const rolled = await inc.status();
    assert.deepEqual(rolled.runningDigests.sort(), [...good.runningDigests].sort(), 'the cached good revision runs');
    assert.ok(rolled.hold, 'the hold was written while git is down (unvalidated update)');
    await fault('git-up');
    await inc.revert(bad.revision);
    const fin = await inc.run(['finish', app, '--timeout', '3m']);
    assert.equal(fin.code, 0, fin.stderr + fin.stdout);

    const bad2 = await inc.breakIt();
    assert.equal((await inc.run(['plan', app])).code, 0);
    await fault('git-down');
    await fault('cache-flush');
    const failed = await inc.run(['rollback', app, '--yes', '-o', 'json']);
    assert.equal(failed.code, 3, `a system failure, not a verification one: ${failed.stderr}`);
    assert.match(failed.stdout + failed.stderr, /Failed to fetch revision [0-9a-f]{40}: repository not found/, 'upstream\'s message');
    const open = await inc.json<{ runId: string; status: string }[]>(['runs', '--open']);
    const run = open.doc.find((r) => r.status === 'failed');
    assert.ok(run, JSON.stringify(open.doc));
    const stuck = await inc.status();
    assert.ok(stuck.hold, 'the failed run still holds the app');
    assert.deepEqual(stuck.runningDigests.sort(), [...bad2.runningDigests].sort(), 'nothing was rolled back: the cache was gone');
    await fault('git-up');
    const resumed = await inc.run(['resume', run.runId, '--yes']);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.deepEqual((await inc.status()).runningDigests.sort(), [...good.runningDigests].sort(), 'the resumed run re-issued the rollback');
    await inc.revert(bad2.revision);
    assert.equal((await inc.run(['finish', app, '--timeout', '3m'])).code, 0);
  });

  test('a sync that failed midway: rewind re-applies the last successful deploy', async () => {
    const app = 'bookstore-orders-us-east';
    const inc = incident(sb, app);
    const good = await inc.status();
    const brk = await inc.run(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'partial-sync']);
    assert.equal(brk.code, 0, brk.stderr);
    await inc.until('the partial apply', (s) => s.historyId === good.historyId && s.runningDigests.some((d) => !good.runningDigests.includes(d)));
    // Argo CD retries a failed auto-sync (5 s × 2ⁿ, 5 times): while it does, the operation is
    // Running and rewind refuses, naming it; once the retries are spent, it plans the rollback.
    type PlanDoc = { decision: string; reasons: string[]; to: { historyId: number }; from: { revision: string } };
    let plan: { doc: PlanDoc } | undefined;
    for (let i = 0; i < 120; i++) {
      const p = await inc.json<PlanDoc>(['plan', app]);
      if (p.doc.decision === 'rollback') {
        plan = p;
        break;
      }
      assert.equal(p.doc.decision, 'refuse', p.r.stdout);
      assert.match(p.doc.reasons.join(' '), /an operation is already running on bookstore-orders-us-east .*argocd app terminate-op/, 'the only reason to refuse is the retrying operation');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(plan, 'the retries ended and rewind planned the rollback');
    assert.equal(plan.doc.to.historyId, good.historyId, 'the newest entry is the last successful deploy');
    assert.notEqual(plan.doc.from.revision, good.revision);
    assert.ok(plan.doc.reasons.some((r) => /ended (Failed|Error) after applying part of it/.test(r)), plan.doc.reasons.join(' | '));
    const rb = await inc.run(['rollback', app, '--yes']);
    assert.equal(rb.code, 0, rb.stderr + rb.stdout);
    assert.deepEqual((await inc.status()).runningDigests.sort(), [...good.runningDigests].sort());
  });
});
