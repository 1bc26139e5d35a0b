import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident, type AppStatus } from './incident.ts';

/**
 * Apps whose owner would put a rollback back, as upstream's controllers do: an ApplicationSet
 * with upstream's defaults, one that ignores /spec/syncPolicy, and an app-of-apps child. Each is
 * rolled back, still runs the good revision ten sandbox minutes later (every re-apply and
 * self-heal back-off has had its turn), and `finish` gives back every saved value.
 */
interface OwnerStatus extends AppStatus {
  owner: { kind: string; name: string; applicationSet?: { applicationsSync?: string }; parent?: { autoSync: boolean; syncPolicy: unknown } } | null;
}

const CASES = [
  { app: 'bookstore-payments-eu-west', owner: 'ApplicationSet bookstore (upstream defaults)', ownerStep: true },
  { app: 'bookstore-payments-us-east', owner: 'ApplicationSet bookstore-sync-exempt (ignores /spec/syncPolicy)', ownerStep: false },
  { app: 'bookstore-orders-eu-west', owner: 'parent bookstore-apps (self-heal)', ownerStep: true },
] as const;

describe('owners: each rollback sticks and finish gives everything back', () => {
  let sb: SandboxProcess;
  before(async () => {
    sb = await startSandboxProcess({ speed: 60 });
  });
  after(async () => {
    await sb?.stop();
  });

  test('roll back three owned apps, wait ten sandbox minutes, revert, finish', async () => {
    const t0 = Date.now();
    const mark = (what: string) => process.stderr.write(`# ${what} at +${Math.round((Date.now() - t0) / 1000)}s\n`);
    const runs = [];
    for (const c of CASES) {
      const inc = incident(sb, c.app);
      const good = (await inc.json<OwnerStatus>(['status', c.app])).doc;
      const bad = await inc.breakIt();
      const plan = await inc.json<{ decision: string; steps: { kind: string; params: { on?: unknown } }[]; preflight: { id: string; detail: string }[] }>(['plan', c.app]);
      assert.equal(plan.r.code, 0, plan.r.stderr);
      assert.equal(plan.doc.decision, 'rollback', `${c.owner}: ${plan.r.stdout}`);
      const kinds = plan.doc.steps.map((s) => s.kind);
      assert.equal(kinds.includes('argocd.hold-owner'), c.ownerStep, `${c.owner}: ${kinds.join(',')}`);
      assert.ok(kinds.includes('argocd.disable-auto-sync'), `${c.owner}: auto-sync goes off on the app`);
      assert.ok(!kinds.includes('argocd.pin-target-revision'), c.owner);
      const rb = await inc.json<{ status: string }>(['rollback', c.app, '--yes']);
      assert.equal(rb.r.code, 0, `${c.owner}: ${rb.r.stderr}${rb.r.stdout}`);
      const rolled = (await inc.json<OwnerStatus>(['status', c.app])).doc;
      assert.deepEqual(rolled.runningDigests.sort(), [...good.runningDigests].sort(), `${c.owner}: the good digests run`);
      assert.equal(rolled.syncPolicy.autoSync, false, `${c.owner}: auto-sync is off on the app`);
      assert.ok(rolled.hold, `${c.owner}: the hold is visible from the app (wherever it is written)`);
      runs.push({ c, inc, good, bad, rolledId: rolled.historyId });
      mark(`rolled back ${c.app}`);
    }

    // The first app's owner is held on create-only; the parent's auto-sync is off.
    const [defaults, , child] = runs;
    assert.equal((await defaults!.inc.json<OwnerStatus>(['status', defaults!.c.app])).doc.owner?.applicationSet?.applicationsSync, 'create-only');
    assert.equal((await child!.inc.json<OwnerStatus>(['status', child!.c.app])).doc.owner?.parent?.autoSync, false);

    const from = await sb.now();
    for (;;) {
      const now = await sb.now();
      if (now.getTime() - from.getTime() >= 10 * 60_000) break;
      for (const r of runs) {
        const s = (await r.inc.json<OwnerStatus>(['status', r.c.app])).doc;
        assert.equal(s.historyId, r.rolledId, `${r.c.owner}: nothing synced the app again (${now.toISOString()})`);
        assert.deepEqual(s.runningDigests.sort(), [...r.good.runningDigests].sort(), `${r.c.owner}: still the good digests`);
        assert.equal(s.syncPolicy.autoSync, false, `${r.c.owner}: auto-sync still off`);
        assert.ok(s.hold, `${r.c.owner}: the hold survived`);
      }
      await new Promise((res) => setTimeout(res, 500));
    }

    mark('ten sandbox minutes');
    for (const r of runs) {
      await r.inc.revert(r.bad.revision);
      const fin = await r.inc.run(['finish', r.c.app, '--timeout', '3m']);
      assert.equal(fin.code, 0, `${r.c.owner}: ${fin.stderr}${fin.stdout}`);
      mark(`finished ${r.c.app}`);
      const done = (await r.inc.json<OwnerStatus>(['status', r.c.app])).doc;
      assert.equal(done.hold, null, `${r.c.owner}: the hold is gone`);
      assert.deepEqual(done.syncPolicy.automated, r.good.syncPolicy.automated, `${r.c.owner}: the app's policy is what it was`);
      assert.deepEqual(done.owner, r.good.owner, `${r.c.owner}: the owner is what it was`);
      assert.deepEqual(done.runningDigests.sort(), [...r.good.runningDigests].sort(), `${r.c.owner}: the revert runs the good image`);
    }
  });
});
