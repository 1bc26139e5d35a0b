import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { campaignWorkers, createSlots } from '../../src/testing/slots.ts';
import { incident, type AppStatus } from './incident.ts';

/**
 * The crash campaign: rewind killed (SIGKILL, REWIND_FAULT) just before each step acts and just
 * after it acted but before its outcome is journaled, at every step boundary of the plan rewind
 * makes for each kind of Argo CD owner (none, an ApplicationSet held on create-only, an
 * app-of-apps parent, a set that only lets targetRevision be pinned). The steps come from the
 * app's own plan, so a step a later change adds is crashed too. After each crash: a plain
 * `rollback` (refused), a second rewind from another state directory (refused by the hold wherever
 * it was written), `resume`/`finish`, and the end state compared with the uninterrupted run each
 * app starts with: as many history entries, the good revision running, auto-sync (or the pin) as
 * mid-run, the sync policy and the owner given back exactly, no hold left. Each app is driven
 * through cycles (break → crash → recover → revert → finish) in a sandbox of its own, so the apps
 * are independent: REWIND_CRASH_WORKERS (default 1; .ci/run uses 2) of them run at once.
 *
 * `npm test` runs a deterministic subset; REWIND_CRASH_CAMPAIGN=full runs every point,
 * REWIND_CRASH_CAMPAIGN='payments-eu-west finish,owner' the points whose name contains any of them
 * (.ci/run picks the owner kinds' own steps and the hold on an ApplicationSet: the Argo CD rollback's
 * other points are the scenario campaign's, which .ci/run runs whole).
 */
const APPS = [
  { app: 'bookstore-catalog-us-east', owner: 'none: auto-sync off on the app' },
  { app: 'bookstore-payments-eu-west', owner: 'ApplicationSet with upstream defaults: held on create-only' },
  { app: 'bookstore-orders-eu-west', owner: 'self-healing app-of-apps parent: its auto-sync off first' },
  { app: 'bookstore-catalog-eu-west', owner: 'ApplicationSet that leaves targetRevision: pinned' },
] as const;
const SAVED = { prune: true, selfHeal: true, enabled: true };

interface Point { readonly app: string; readonly command: 'rollback' | 'finish'; readonly kind: string; readonly when: 'before' | 'after' }
const name = (p: Point) => `${p.app.replace(/^bookstore-/, '')} ${p.command} ${p.kind} ${p.when}`;
/** `npm test`'s points (kept few for its 15-minute budget: each app's reference run costs as much as several points). */
const SUBSET = new Set([
  'catalog-us-east rollback argocd.write-hold after', 'catalog-us-east rollback argocd.rollback after', 'catalog-us-east finish argocd.restore-sync-policy before',
  'payments-eu-west rollback argocd.hold-owner after', 'catalog-eu-west rollback argocd.pin-target-revision after',
]);
/** REWIND_CRASH_CAMPAIGN: `full` for every point, or comma-separated substrings of "app command kind when" to pick some. */
const pick = process.env['REWIND_CRASH_CAMPAIGN'] ?? '';
const picks = pick.split(',').map((x) => x.trim()).filter(Boolean);
const chosen = (p: Point) => (pick === 'full' ? true : picks.length ? picks.some((x) => name(p).includes(x)) : SUBSET.has(name(p)));

interface OwnedStatus extends AppStatus {
  owner: { kind: string; name: string; applicationSet?: { applicationsSync?: string | null }; parent?: { autoSync: boolean } } | null;
}
/** What a crashed-then-resumed run must share with the uninterrupted one. */
const midShape = (s: OwnedStatus) => ({ autoSync: s.syncPolicy.autoSync, pinned: s.source.targetRevision !== 'main', owner: ownerShape(s) });
const ownerShape = (s: OwnedStatus) => (s.owner ? { kind: s.owner.kind, name: s.owner.name, applicationsSync: s.owner.applicationSet?.applicationsSync ?? null, parentAutoSync: s.owner.parent?.autoSync ?? null } : null);

const WORKERS = campaignWorkers();
const slots = createSlots(WORKERS);

describe('crash campaign', { concurrency: WORKERS }, () => {
  let otherHost: string;
  const tally = { points: 0, resumed: 0 };
  const started = performance.now();

  before(async () => {
    otherHost = await mkdtemp(join(tmpdir(), 'rewind-campaign-other-'));
  });
  after(async () => {
    await rm(otherHost, { recursive: true, force: true });
    process.stderr.write(`crash campaign: ${tally.points} crash points, ${tally.resumed} resumed cleanly, ${Math.round((performance.now() - started) / 1000)} s with ${WORKERS} worker sandbox(es)\n`);
  });

  for (const { app, owner } of APPS) {
    test(`${app} (${owner}): every chosen step boundary, crashed and resumed`, async (t) => {
      const release = await slots.take();
      let sb: Awaited<ReturnType<typeof startSandboxProcess>> | undefined;
      try {
        sb = await startSandboxProcess({ speed: 20 });
        await campaignOf(t, incident(sb, app), app);
      } finally {
        try {
          await sb?.stop();
        } finally {
          release();
        }
      }
    });
  }

  /** One app's reference run, then each of its chosen points, in the app's own sandbox. */
  async function campaignOf(t: TestContext, i: ReturnType<typeof incident>, app: string): Promise<void> {
    // The uninterrupted run: its plan gives the crash points, its states the expected ones.
    const bad = await i.breakIt();
    const plan = await i.json<{ decision: string; steps: { kind: string }[] }>(['plan', app]);
    assert.equal(plan.doc?.decision, 'rollback', plan.r.stdout + plan.r.stderr);
    const kinds = plan.doc.steps.map((s) => s.kind);
    const split = kinds.indexOf('followup.await-revert');
    assert.ok(split > 0, `the plan waits for the revert: ${kinds.join(', ')}`);
    const rb = await i.run(['rollback', app, '--yes', '--timeout', '3m']);
    assert.equal(rb.code, 0, rb.stdout + rb.stderr);
    const refMid = midShape((await i.status()) as OwnedStatus);
    await i.revert(bad.revision);
    assert.equal((await i.run(['finish', app, '--timeout', '3m'])).code, 0);
    const refEnd = (await i.status()) as OwnedStatus;
    const entries = refEnd.historyId - bad.historyId;

    const rollbackKinds = kinds.slice(0, split + 1);
    const finishKinds = kinds.slice(split);
    const points: Point[] = [
      ...rollbackKinds.flatMap((kind) => (['before', 'after'] as const).map((when) => ({ app, command: 'rollback' as const, kind, when }))),
      ...finishKinds.flatMap((kind) => (['before', 'after'] as const).map((when) => ({ app, command: 'finish' as const, kind, when }))),
    ].filter(chosen);
    const writeHold = kinds.indexOf('argocd.write-hold');
    /** The hold is on Argo CD from write-hold's action until release-hold's (after it, only the local journal still has the run open). */
    const holdWritten = (p: Point) =>
      !(p.kind === 'argocd.release-hold' && p.when === 'after') && (p.command === 'finish' || kinds.indexOf(p.kind) > writeHold || (p.kind === 'argocd.write-hold' && p.when === 'after'));

    for (const p of points) {
      await t.test(`crash ${p.when} ${p.kind} during ${p.command}`, async () => {
        tally.points++;
        const bad = await i.breakIt();
        if (p.command === 'finish') {
          assert.equal((await i.run(['rollback', app, '--yes'])).code, 0);
          await i.revert(bad.revision);
        }
        const fault = `crash:${p.kind}:${p.when}`;
        const crashed = await i.crash([p.command, app, '--yes', '--timeout', '3m'], fault);
        assert.equal(crashed.signal, 'SIGKILL', `${fault} did not fire: ${crashed.stderr}`);

        const plain = await i.run(['rollback', app, '--yes']);
        assert.equal(plain.code, 1, `a plain rollback after the crash must be refused: ${plain.stdout}${plain.stderr}`);
        if (holdWritten(p)) {
          const other = await i.run(['rollback', app, '--yes'], { REWIND_STATE_DIR: otherHost });
          assert.equal(other.code, 1, 'another state directory is refused by the hold');
          assert.match(other.stdout + other.stderr, /held by run /);
        }

        const [open] = (await i.json<{ runId: string; status: string }[]>(['runs', app, '--open'])).doc;
        assert.ok(open, 'the crashed run is open');
        if (p.command === 'rollback') {
          const resumed = await i.run(['resume', open.runId, '-o', 'json', '--timeout', '3m']);
          if (resumed.code === 1) assert.match(resumed.stderr, /only the follow-up \(Step 3d\) is left/, 'resume refused for another reason');
          else assert.equal(resumed.code, 0, resumed.stderr);
          const mid = (await i.status()) as OwnedStatus;
          assert.deepEqual(midShape(mid), refMid, 'mid-run as the uninterrupted run: auto-sync, pin and owner held alike');
          assert.ok(!mid.runningDigests.some((d) => bad.shipped.includes(d)), 'the Pods left the bad digest');
          await i.revert(bad.revision);
        }
        const fin = await i.run(['finish', app, '--timeout', '3m']);
        assert.equal(fin.code, 0, fin.stdout + fin.stderr);
        const end = (await i.status()) as OwnedStatus;
        assert.deepEqual(end.syncPolicy.automated, SAVED, 'finish restores auto-sync exactly as it was');
        assert.equal(end.source.targetRevision, 'main', 'no pin left');
        assert.deepEqual(ownerShape(end), ownerShape(refEnd), 'the owner is given back as the uninterrupted run gives it back');
        assert.equal(end.hold, null);
        assert.equal(end.historyId - bad.historyId, entries, 'as many history entries as the uninterrupted run made');
        const closed = (await i.json<{ runId: string; status: string }[]>(['runs', app])).doc.find((r) => r.runId === open.runId);
        assert.equal(closed?.status, 'finished');
        tally.resumed++;
      });
    }
  }
});
