import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident, type AppStatus } from './incident.ts';

/**
 * The crash campaign: rewind killed (SIGKILL, REWIND_FAULT) just before each step acts and just
 * after it acted but before its outcome is journaled, at every step boundary of the Argo CD path;
 * then a plain `rollback` (refused), a second rewind from another state directory (refused by the
 * hold wherever it was written), `resume`/`finish`, and the end state compared with an
 * uninterrupted run: one rollback entry, the good revision running, auto-sync restored exactly,
 * no hold left. The app is driven through cycles (break → crash → recover → revert → finish) in one
 * sandbox, each cycle leaving it as an uninterrupted run would.
 *
 * `npm test` runs a deterministic subset; REWIND_CRASH_CAMPAIGN=full (set by .ci/run) runs every point,
 * REWIND_CRASH_CAMPAIGN='finish argocd.release-hold' the points whose name contains it.
 */
const APP = 'bookstore-catalog-us-east';
const ROLLBACK_KINDS = ['argocd.preflight', 'argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert'];
const FINISH_KINDS = ['followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold'];
const SAVED = { prune: true, selfHeal: true, enabled: true };

interface Point { readonly command: 'rollback' | 'finish'; readonly kind: string; readonly when: 'before' | 'after' }
const every: Point[] = [
  ...ROLLBACK_KINDS.flatMap((kind) => (['before', 'after'] as const).map((when) => ({ command: 'rollback' as const, kind, when }))),
  ...FINISH_KINDS.flatMap((kind) => (['before', 'after'] as const).map((when) => ({ command: 'finish' as const, kind, when }))),
];
const SUBSET = new Set(['rollback argocd.write-hold after', 'rollback argocd.disable-auto-sync after', 'rollback argocd.rollback after', 'rollback verify.metrics after', 'finish argocd.restore-sync-policy before']);
/** REWIND_CRASH_CAMPAIGN: `full` for every point, or a substring of "command kind when" to pick some. */
const pick = process.env['REWIND_CRASH_CAMPAIGN'] ?? '';
const name = (p: Point) => `${p.command} ${p.kind} ${p.when}`;
const points = pick === 'full' ? every : pick ? every.filter((p) => name(p).includes(pick)) : every.filter((p) => SUBSET.has(name(p)));
/** The hold is on Argo CD from write-hold's action until release-hold's (after it, only the local journal still has the run open). */
const holdWritten = (p: Point) =>
  !(p.kind === 'argocd.release-hold' && p.when === 'after') && (p.command === 'finish' || ROLLBACK_KINDS.indexOf(p.kind) > 1 || (p.kind === 'argocd.write-hold' && p.when === 'after'));

describe(`crash campaign (${points.length} of ${every.length} crash points)`, () => {
  let sb: SandboxProcess;
  let i: ReturnType<typeof incident>;
  let otherHost: string;
  const tally = { points: 0, resumed: 0 };

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    i = incident(sb, APP);
    otherHost = await mkdtemp(join(tmpdir(), 'rewind-campaign-other-'));
  });
  after(async () => {
    process.stderr.write(`crash campaign: ${tally.points} crash points, ${tally.resumed} resumed cleanly\n`);
    await sb?.stop();
  });

  for (const p of points) {
    test(`crash ${p.when} ${p.kind} during ${p.command}`, async () => {
      tally.points++;
      const bad = await i.breakIt();
      const args = [p.command, APP, '--yes', '--timeout', '3m'];
      if (p.command === 'finish') {
        assert.equal((await i.run(['rollback', APP, '--yes'])).code, 0);
        await i.revert(bad.revision);
      }
      const fault = `crash:${p.kind}:${p.when}`;
      const crashed = await i.crash(args, fault);
      assert.equal(crashed.signal, 'SIGKILL', `${fault} did not fire: ${crashed.stderr}`);

      const plain = await i.run(['rollback', APP, '--yes']);
      assert.equal(plain.code, 1, `a plain rollback after the crash must be refused: ${plain.stdout}${plain.stderr}`);
      if (holdWritten(p)) {
        const other = await i.run(['rollback', APP, '--yes'], { REWIND_STATE_DIR: otherHost });
        assert.equal(other.code, 1, 'another state directory is refused by the hold');
        assert.match(other.stdout + other.stderr, /held by run /);
      }

      const [open] = (await i.json<{ runId: string; status: string }[]>(['runs', APP, '--open'])).doc;
      assert.ok(open, 'the crashed run is open');
      if (p.command === 'rollback') {
        const resumed = await i.run(['resume', open.runId, '-o', 'json', '--timeout', '3m']);
        if (resumed.code === 1) assert.match(resumed.stderr, /only the follow-up \(Step 3d\) is left/, 'resume refused for another reason');
        else assert.equal(resumed.code, 0, resumed.stderr);
        const mid = await i.status();
        assert.equal(mid.historyId, bad.historyId + 1, 'exactly one rollback entry');
        assert.equal(mid.syncPolicy.autoSync, false, 'auto-sync stays off until the revert lands');
        assert.ok(!mid.runningDigests.some((d) => bad.shipped.includes(d)), 'the Pods left the bad digest');
        await i.revert(bad.revision);
      }
      const fin = await i.run(['finish', APP, '--timeout', '3m']);
      assert.equal(fin.code, 0, fin.stdout + fin.stderr);
      const end: AppStatus = await i.status();
      assert.deepEqual(end.syncPolicy.automated, SAVED, 'finish restores auto-sync exactly as it was');
      assert.equal(end.hold, null);
      assert.equal(end.historyId, bad.historyId + 1, 'one rollback entry, as an uninterrupted run leaves');
      const closed = (await i.json<{ runId: string; status: string }[]>(['runs', APP])).doc.find((r) => r.runId === open.runId);
      assert.equal(closed?.status, 'finished');
      tally.resumed++;
    });
  }
});
