import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
interface PlanDoc {
  decision: string;
  mechanism: string | null;
  reasons: string[];
  to: { historyId: number; revision: string } | null;
  preflight: { id: string; status: string; detail: string; evidence: { claim: string; source: string }[] }[];
}
interface HistoryDoc { history: { id: number; deployedAt: string; deployStartedAt?: string; revision: string }[] }

/** Issue 15 through the CLI against the sandbox: what the data layer needs before code rolls back. */
describe('migrations: the data layer before the code rollback', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
  });
  after(async () => {
    await sb?.stop();
  });

  test('migration-unsafe (DROP COLUMN, no down): refused, handed off to PITR with the restore point from Argo CD history', async () => {
    const app = 'bookstore-orders-us-east';
    const brk = await rewind(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'migration-unsafe', '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    const bad = JSON.parse(brk.stdout) as { historyId: number; revision: string };

    const plan = await rewind(['plan', app, '-o', 'json'], { env });
    assert.equal(plan.code, 1, plan.stderr);
    const p = JSON.parse(plan.stdout) as PlanDoc;
    assert.equal(p.decision, 'refuse');
    assert.equal(p.mechanism, 'data-layer');

    // The restore point is when the bad sync began (its migration ran after): Argo CD's deployStartedAt.
    const hist = JSON.parse((await rewind(['history', app, '-o', 'json'], { env })).stdout) as HistoryDoc;
    const badEntry = hist.history.find((h) => h.id === bad.historyId);
    assert.ok(badEntry?.deployStartedAt, 'the sandbox records when the bad sync began');
    const restoreAt = new Date(badEntry.deployStartedAt).toISOString();
    assert.match(p.reasons[0] ?? '', new RegExp(`^data layer first: restore the database to ${restoreAt.replace(/[.]/g, '\\.')} with data-rollback-postgres-pitr\\.md \\(losing every write since then: \\d+ (min|h)`));
    assert.match(p.reasons[1] ?? '', /0099_drop_legacy_sku\.sql \(.*drop-column.*\) is unsafe for the old binary and has no down migration/i);
    const check = p.preflight.find((c) => c.id === 'data-layer');
    assert.equal(check?.status, 'fail');
    const restore = check?.evidence.find((e) => e.claim.startsWith(`restore point ${restoreAt}`));
    assert.match(restore?.source ?? '', /^argocd GET https:\/\/127.0.0.1:\d+\/api\/v1\/applications\/bookstore-orders-us-east$/, 'the restore point is evidence read from Argo CD');
    assert.ok(check?.evidence.some((e) => /loses every write since then/.test(e.claim)));

    const text = await rewind(['plan', app], { env });
    assert.match(text.stdout.split('\n')[0] ?? '', /^bookstore-orders-us-east: REFUSED code rollback: data layer first: restore the database to .* with data-rollback-postgres-pitr\.md/);

    const rb = await rewind(['rollback', app, '--yes'], { env });
    assert.equal(rb.code, 1, rb.stderr);
    const s = JSON.parse((await rewind(['status', app, '-o', 'json'], { env })).stdout) as { syncPolicy: { autoSync: boolean } };
    assert.equal(s.syncPolicy.autoSync, true, 'a refusal changes nothing');
    const after = JSON.parse((await rewind(['history', app, '-o', 'json'], { env })).stdout) as HistoryDoc;
    assert.equal(Math.max(...after.history.map((h) => h.id)), bad.historyId, 'nothing rolled back');
  });

  test('migration-safe (ADD COLUMN): the data layer declines and the code rollback is planned', async () => {
    const app = 'bookstore-catalog-eu-west';
    const brk = await rewind(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'migration-safe']);
    assert.equal(brk.code, 0, brk.stderr);
    const plan = await rewind(['plan', app, '-o', 'json'], { env });
    assert.equal(plan.code, 0, plan.stderr);
    const p = JSON.parse(plan.stdout) as PlanDoc & { rejected: { mechanism: string; reason: string }[] };
    assert.equal(p.decision, 'rollback');
    assert.equal(p.mechanism, 'argocd-rollback');
    assert.match(p.rejected.find((r) => r.mechanism === 'data-layer')?.reason ?? '', /safe for the old binary: the schema can stay/);
    assert.equal(p.preflight.find((c) => c.id === 'data-layer'), undefined);
  });

  test('roll-forward: without --fix it is recommended; with --fix the fix ships through Argo CD, verified, and the follow-up waits for its merge', async () => {
    const app = 'bookstore-catalog-us-east';
    const brk = await rewind(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'roll-forward', '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    const b = JSON.parse(brk.stdout) as { revision: string; historyId: number; fix: { branch: string; revision: string; image: string } };
    assert.match(b.fix.image, /^ghcr\.io\/acme\/catalog@sha256:[0-9a-f]{64}$/);

    const without = JSON.parse((await rewind(['plan', app, '-o', 'json'], { env })).stdout) as PlanDoc;
    assert.equal(without.mechanism, 'data-layer');
    assert.match(without.reasons[0] ?? '', /or roll forward with --fix REV/);

    const plan = await rewind(['plan', app, '--fix', b.fix.branch, '-o', 'json'], { env });
    assert.equal(plan.code, 0, plan.stderr);
    const p = JSON.parse(plan.stdout) as PlanDoc;
    assert.equal(p.mechanism, 'roll-forward');
    assert.deepEqual(p.to, { kind: 'fix-revision', revision: b.fix.revision, ref: b.fix.branch, historyId: null });
    assert.match(p.reasons[0] ?? '', /rolling back needs an unsafe data change .*0099_drop_legacy_sku\.sql has no down migration/);
    assert.match(p.reasons[1] ?? '', /Step 0 on .* says no migration changed; it changes image-digest/);

    const rb = await rewind(['rollback', app, '--fix', b.fix.branch, '--yes', '-o', 'json'], { env });
    assert.equal(rb.code, 0, rb.stderr + rb.stdout);
    const run = JSON.parse(rb.stdout) as { status: string; steps: { kind: string; phase: string; status: string }[] };
    assert.equal(run.status, 'verified', rb.stdout);
    for (const kind of ['argocd.sync-fix', 'argocd.wait-healthy', 'verify.digest']) assert.equal(run.steps.find((s) => s.kind === kind)?.status, 'succeeded', kind);
    assert.equal(run.steps.find((s) => s.kind === 'followup.await-fix-merged')?.status, 'pending');
    assert.equal(run.steps.find((s) => s.kind === 'argocd.rollback'), undefined, 'no code rollback: the new schema stays');
    const st = JSON.parse((await rewind(['status', app, '-o', 'json'], { env })).stdout) as { revision: string; syncPolicy: { autoSync: boolean }; runningDigests: string[] };
    assert.equal(st.revision, b.fix.revision);
    assert.equal(st.syncPolicy.autoSync, false, 'auto-sync held: the tracked branch still carries the bad release');
    const catalog = (digests: string[]) => [...new Set(digests.filter((d) => d.startsWith('ghcr.io/acme/catalog@')))];
    assert.deepEqual(catalog(st.runningDigests), [b.fix.image], 'every catalog container runs the fix build');

    const early = await rewind(['finish', app], { env });
    assert.equal(early.code, 1, early.stderr + early.stdout);
    assert.match(early.stdout + early.stderr, /is not on main yet/);
    assert.equal((await forge('/api/sandbox/v1/merge', { branch: b.fix.branch })).status, 200);
    const fin = await rewind(['finish', app, '--timeout', '2m'], { env });
    assert.equal(fin.code, 0, fin.stderr + fin.stdout);
    const end = JSON.parse((await rewind(['status', app, '-o', 'json'], { env })).stdout) as { syncPolicy: { autoSync: boolean }; runningDigests: string[]; hold: unknown };
    assert.equal(end.syncPolicy.autoSync, true);
    assert.equal(end.hold, null);
    assert.deepEqual(catalog(end.runningDigests), [b.fix.image], 'the merged branch ships the fix, not the bad release');
  });

  /** The sandbox's forge (merge a pull request), with the Argo CD token as its CI routes take it. */
  const forge = (path: string, body: unknown): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, sb.argocdUrl), { method: 'POST', ca: sb.ca, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
});
