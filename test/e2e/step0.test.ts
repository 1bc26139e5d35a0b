import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
type PlanDoc = { decision: string; reasons: string[]; preflight: { id: string; status: string; detail: string }[] };

/** Step 0 inside `rewind plan`: the bad release's migrations decide whether code may roll back. */
describe('Step 0 in plan and rollback', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
  });
  after(async () => {
    await sb?.stop();
  });

  test('a release that dropped a column: refused, pointing to the data layer; nothing changed', async () => {
    const app = 'bookstore-orders-us-east';
    const brk = await rewind(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'unsafe-migration']);
    assert.equal(brk.code, 0, brk.stderr);
    const plan = await rewind(['plan', app, '-o', 'json'], { env });
    assert.equal(plan.code, 1, plan.stderr);
    const p = JSON.parse(plan.stdout) as PlanDoc;
    assert.equal(p.decision, 'refuse');
    assert.equal(p.preflight.find((c) => c.id === 'schema')?.status, 'fail');
    assert.match(p.reasons.join('\n'), /0099_drop_legacy_sku\.sql/);
    assert.match(p.reasons.join('\n'), /DROP COLUMN|drop-column/i);
    assert.match(p.reasons.join('\n'), /pitr|data layer|roll forward/i);
    const rb = await rewind(['rollback', app, '--yes'], { env });
    assert.equal(rb.code, 1);
    const s = JSON.parse((await rewind(['status', app, '-o', 'json'], { env })).stdout) as { syncPolicy: { autoSync: boolean } };
    assert.equal(s.syncPolicy.autoSync, true, 'refusal changes nothing');
  });

  test('a release that only added a nullable column: the code rollback goes ahead', async () => {
    const app = 'bookstore-catalog-eu-west';
    const brk = await rewind(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'safe-migration']);
    assert.equal(brk.code, 0, brk.stderr);
    const plan = await rewind(['plan', app, '-o', 'json'], { env });
    assert.equal(plan.code, 0, plan.stderr);
    const p = JSON.parse(plan.stdout) as PlanDoc;
    assert.equal(p.decision, 'rollback');
    const schema = p.preflight.find((c) => c.id === 'schema');
    assert.equal(schema?.status, 'pass');
    assert.match(schema?.detail ?? '', /backwards-compatible/);
  });

  test('an unknown break scenario is bad input', async () => {
    const r = await rewind(['sandbox', 'break', 'bookstore-payments-us-east', '--dir', sb.dir, '--scenario', 'nope']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown scenario/);
  });
});
