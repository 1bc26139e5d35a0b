import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const APP = 'bookstore-payments-eu-west';

/**
 * An ApplicationSet-generated app: its parent puts syncPolicy back, so disabling auto-sync would
 * not stick. rewind pins targetRevision to the good commit instead, and unpins in `finish`.
 */
describe('rollback of an ApplicationSet-owned app pins targetRevision', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  const status = async () => JSON.parse((await rewind(['status', APP, '-o', 'json'], { env })).stdout) as {
    revision: string;
    runningDigests: string[];
    source: { targetRevision: string };
    syncPolicy: { autoSync: boolean };
    owner: { kind: string; name: string } | null;
  };

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
  });
  after(async () => {
    await sb?.stop();
  });

  test('plan, rollback, revert, finish', async () => {
    const good = await status();
    assert.deepEqual(good.owner, { kind: 'ApplicationSet', name: 'bookstore' });
    const brk = await rewind(['sandbox', 'break', APP, '--dir', sb.dir]);
    assert.equal(brk.code, 0, brk.stderr);
    const bad = await status();
    assert.notDeepEqual(bad.runningDigests, good.runningDigests);

    const plan = await rewind(['plan', APP, '-o', 'json'], { env });
    assert.equal(plan.code, 0, plan.stderr);
    const p = JSON.parse(plan.stdout) as { decision: string; to: { revision: string }; steps: { kind: string }[]; preflight: { id: string; detail: string }[] };
    assert.equal(p.decision, 'rollback');
    const kinds = p.steps.map((s) => s.kind);
    assert.ok(kinds.includes('argocd.pin-target-revision'), kinds.join(','));
    assert.ok(!kinds.includes('argocd.disable-auto-sync'), 'the parent would put syncPolicy back');
    assert.match(p.preflight.find((c) => c.id === 'ownership')?.detail ?? '', /ApplicationSet/);

    const rb = await rewind(['rollback', APP, '--yes', '-o', 'json'], { env });
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal((JSON.parse(rb.stdout) as { status: string }).status, 'verified');
    const after = await status();
    assert.deepEqual(after.runningDigests, good.runningDigests);
    assert.equal(after.source.targetRevision, p.to.revision, 'pinned to the good commit');
    assert.equal(after.syncPolicy.autoSync, true, 'the ApplicationSet keeps auto-sync on');

    const rv = await rewind(['sandbox', 'revert', APP, '--dir', sb.dir, '--revision', bad.revision]);
    assert.equal(rv.code, 0, rv.stderr);
    const fin = await rewind(['finish', APP, '--timeout', '2m'], { env });
    assert.equal(fin.code, 0, fin.stderr + fin.stdout);
    const done = await status();
    assert.equal(done.source.targetRevision, 'main', 'unpinned back to the tracked branch');
    assert.deepEqual(done.runningDigests, good.runningDigests);
  });
});
