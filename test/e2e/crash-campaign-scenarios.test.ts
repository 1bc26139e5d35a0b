import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { sandboxApi } from '../../src/testing/sandbox-api.ts';
import { SCENARIOS, type ScenarioInfo } from '../../src/testing/scenarios.ts';
import { campaignWorkers, createSlots } from '../../src/testing/slots.ts';
import { incident } from './incident.ts';

/**
 * The crash campaign over every scenario of the sandbox's registry (SCENARIOS: a scenario added
 * there joins by itself, with the defaults below unless it is in EXTRA). For each scenario an
 * uninterrupted reference run on a fresh sandbox gives the crash points (every step boundary,
 * before and after, of the steps `rollback` and then `finish` actually reached) and the end state;
 * then each point gets its own fresh sandbox (the reset: same seed, same clock speed), the same
 * incident, rewind SIGKILLed there (REWIND_FAULT), a plain `rollback` (refused), a rewind from
 * another state directory (refused by the hold wherever the hold is written), `resume`/`finish`,
 * and the end state compared with the reference's: the run's final status, the sync policy (auto-sync
 * given back exactly), targetRevision, hold, how many history (or ReplicaSet) revisions were added,
 * the workload template's images, and the flag's state in git. A scenario whose plan is a refusal
 * (migration-unsafe) is checked to refuse and to change nothing; it has no crash points.
 *
 * crash-campaign.test.ts does the same per Argo CD owner kind (cycling one sandbox per app).
 * `npm test` runs SUBSET; REWIND_CRASH_CAMPAIGN=full runs every point; any other value picks the
 * points whose name ("scenario command kind when") contains it.
 */

const run = promisify(execFile);

interface BreakDoc { revision?: string; historyId?: number | null; fix?: { branch: string } }
interface Status {
  revision?: string | number;
  historyId?: number;
  syncPolicy?: { automated: unknown };
  source?: { targetRevision: string; path: string };
  hold: { runId: string } | null;
  workload?: { images: { container: string; image: string }[] };
  rollout?: { phase?: string; abort: boolean; stableHash?: string; currentHash?: string };
}
interface HistoryDoc { history: { id: number; revision: string }[] }
interface RunDoc { runId: string; runStatus: string; steps: { kind: string; status: string; evidence?: string[]; error?: string }[] }
/** What a run did, step by step, for a failure message: a mismatch must say which step went another way. */
const story = (what: string, d: RunDoc | undefined, r?: { code: number | null; stderr: string }) =>
  d ? `${what} -> ${d.runStatus}: ${d.steps.map((x) => `${x.kind} ${x.status}${x.error ? ` (${x.error})` : ''}${x.evidence?.length ? ` [${x.evidence.slice(0, 2).join('; ')}]` : ''}`).join(', ')}` : `${what} -> exit ${r?.code ?? '?'}: ${(r?.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;

/**
 * What a scenario needs beyond the defaults: extra arguments for plan/rollback, what must be true
 * before the on-call engineer acts (the incident has fully developed), and the people's part of
 * the follow-up (default: `sandbox revert` of the bad commit).
 */
interface Extra {
  readonly args?: (b: BreakDoc) => string[];
  /** Arguments `rollback` takes beyond plan's (its own confirmations). */
  readonly rollbackArgs?: readonly string[];
  readonly ready?: (s: Status, before: Status) => boolean;
  readonly people?: 'merge-fix';
}
const templateOf = (s: Status) => JSON.stringify(s.workload?.images ?? []);
const EXTRA: Readonly<Record<string, Extra>> = {
  'roll-forward': { args: (b) => ['--fix', b.fix?.branch ?? ''], people: 'merge-fix' },
  'autosync-footgun': { args: () => ['--mechanism', 'undo'] },
  // The down migration needs its own yes, even under --yes (cli/commands/down-confirmation.ts).
  'migration-down': { rollbackArgs: ['--confirm-down-migration'] },
  kubectl: { args: () => ['--mechanism', 'undo'], ready: (s, before) => templateOf(s) !== templateOf(before) },
  'rollouts-canary': { ready: (s) => s.rollout?.phase === 'Paused' },
  'rollouts-auto-aborted': { ready: (s) => s.rollout?.abort === true },
  'rollouts-promoted': { ready: (s, before) => s.rollout?.phase === 'Healthy' && s.rollout.stableHash === s.rollout.currentHash && templateOf(s) !== templateOf(before) },
};

interface Point { readonly scenario: string; readonly command: 'rollback' | 'finish'; readonly kind: string; readonly when: 'before' | 'after' }
const nameOf = (p: Point) => `${p.scenario} ${p.command} ${p.kind} ${p.when}`;
/**
 * `npm test`'s points (few, for its 15-minute budget: each scenario's reference run costs as much as
 * several points): three mechanisms other than the Argo CD rollback, each crashed right after its
 * action, before the outcome is journaled, and the unmanaged undo crashed with only its hold
 * release left (resume ends it). .ci/run runs `full`.
 */
const SUBSET = new Set([
  'kubectl rollback kube.rollout-undo after',
  'kubectl rollback kube.release-hold before',
  'flag rollback flag.off after',
  'rollouts-canary rollback rollouts.abort after',
]);
const pick = process.env['REWIND_CRASH_CAMPAIGN'] ?? '';
/** A pick other than `full` and `ci`: comma-separated substrings of point names. */
const picks = pick === 'full' || pick === 'ci' ? [] : pick.split(',').map((x) => x.trim()).filter(Boolean);
/**
 * CI's stratum (REWIND_CRASH_CAMPAIGN=ci), because every point of every scenario (~300, hours on a
 * shared 2-core machine) does not fit CI's budget. The `after` boundary is the hard one for
 * idempotence (the action is done, its outcome unjournaled: the step must see it done and not act
 * twice); `before` resumes the step in a process that never planned (the down migration's parser
 * was loaded only by planning: the campaign's first find). So: the `after` boundary of every step
 * of each scenario that is the first to run its mechanism; for a scenario whose mechanism another
 * one covers (every Argo CD rollback scenario: crash-campaign.test.ts crashes that plan at every
 * point for each owner kind; the Rollouts canary aborted or promoted: rollouts-canary), the `after`
 * boundary of the step that acts and of the checks, where the release's behaviour (crash-loop, pull
 * failure, a failed sync, a moved tag, a slow previous image...) shows; and both boundaries of a
 * down migration's `db.*` steps. A scenario added later is a first until named in REPEATS.
 */
const REPEATS = new Set(['rollouts-auto-aborted', 'rollouts-promoted']);
const ACTING_STEPS = new Set(['argocd.rollback', 'rollouts.abort', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.promote', 'rollouts.retry', 'kube.rollout-undo', 'flag.off', 'argocd.sync-fix', 'verify.digest', 'verify.metrics']);
const ciPoint = (p: Point, plainPlan: boolean) => p.kind.startsWith('db.') || (p.when === 'after' && (plainPlan || REPEATS.has(p.scenario) ? ACTING_STEPS.has(p.kind) : true));
const chosen = (p: Point, plainPlan: boolean) => (pick === 'full' ? true : pick === 'ci' ? ciPoint(p, plainPlan) : picks.length ? picks.some((x) => nameOf(p).includes(x)) : SUBSET.has(nameOf(p)));
/**
 * Whether a scenario's reference run is needed: its points are known only after it, so a pick that
 * names no scenario runs every reference. Refusals are cheap (no points) and always checked.
 */
const anyChosen = (s: ScenarioInfo) => {
  if (pick === 'full' || pick === 'ci' || (s.migration === 'unsafe' && !s.fix)) return true;
  if (!picks.length) return [...SUBSET].some((n) => n.startsWith(`${s.name} `));
  const names = (x: string) => SCENARIOS.some((sc) => x === sc.name || x.startsWith(`${sc.name} `));
  return picks.some((x) => !names(x) || x === s.name || x.startsWith(`${s.name} `));
};

/**
 * Worker sandboxes (REWIND_CRASH_WORKERS, default 1): how many sandboxes run at once, each staging
 * its own point (or reference run); two scenarios and their points share them. .ci/run uses 2.
 */
const WORKERS = campaignWorkers();
const slots = createSlots(WORKERS);
/** Real seconds spent per phase, summed over every staging: where a point's time goes. */
const spent = { start: 0, break: 0, point: 0, stagings: 0 };
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
/** A crash point's real seconds by phase, summed over the points: what a faster campaign must cut. */
const phases = new Map<string, number>();
async function timed<T>(phase: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    phases.set(phase, (phases.get(phase) ?? 0) + secondsSince(t0));
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** The sandbox's clock speed (REWIND_CRASH_SPEED, default 20): sandbox seconds per real second. */
const SPEED = Number(process.env['REWIND_CRASH_SPEED'] ?? 20);

/** The app's tables' columns and indexes in the sandbox's PostgreSQL (the URL file rewind.yaml names). */
async function schemaOf(dir: string, app: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: (await readFile(join(dir, 'db', `${app}.url`), 'utf8')).trim() });
  await c.connect();
  try {
    const cols = await c.query<{ t: string }>("select table_name || '.' || column_name || ' ' || data_type as t from information_schema.columns where table_schema = 'public' order by 1");
    const idx = await c.query<{ t: string }>("select 'index ' || indexname as t from pg_indexes where schemaname = 'public' order by 1");
    return [...cols.rows, ...idx.rows].map((r) => r.t);
  } finally {
    await c.end();
  }
}

/** One incident of one scenario on a fresh sandbox (one worker slot until `sb.stop()`), driven through the CLI. */
async function stage(s: ScenarioInfo) {
  const release = await slots.take();
  const t0 = performance.now();
  let sb: Awaited<ReturnType<typeof startSandboxProcess>>;
  try {
    sb = await startSandboxProcess({ speed: SPEED });
  } catch (e) {
    release();
    throw e;
  }
  const t1 = performance.now();
  spent.start += secondsSince(t0);
  spent.stagings++;
  let t2 = t1;
  const own = sb;
  const stop = async () => {
    try {
      await own.stop();
    } finally {
      spent.point += secondsSince(t2);
      release();
    }
  };
  const i = incident(sb, s.app);
  const extra = EXTRA[s.name] ?? {};
  let before: Status;
  /** Argo CD's history before the break (an app Argo CD deploys): what revisions added entries are compared by. */
  let pastHistory: HistoryDoc['history'] | undefined;
  let b: { r: { code: number | null; stderr: string }; doc: BreakDoc };
  try {
    before = (await i.status()) as unknown as Status;
    if (typeof before.historyId === 'number') pastHistory = (await i.json<HistoryDoc>(['history', s.app])).doc.history;
    b = await i.json<BreakDoc>(['sandbox', 'break', s.app, '--dir', sb.dir, '--scenario', s.name]);
    // The sandbox's own last lines say whether it died under the break (a socket hang up once, under load).
    assert.equal(b.r.code, 0, `${b.r.stderr}\nsandbox (alive: ${String(alive(sb.pid))}), last lines: ${sb.output().trim().split('\n').slice(-8).join(' | ')}`);
    const ready = extra.ready;
    if (ready) await i.until(`${s.name} developed`, (st) => ready(st as unknown as Status, before));
  } catch (e) {
    await stop();
    throw e;
  } finally {
    t2 = performance.now();
    spent.break += (t2 - t1) / 1000;
  }
  const args = [s.app, ...(extra.args?.(b.doc) ?? [])];
  const rollbackArgs = [...args, ...(extra.rollbackArgs ?? [])];
  return {
    sb: { ...sb, stop },
    i,
    before,
    bad: b.doc,
    args,
    rollbackArgs,
    /** The people's part of the follow-up: the revert (or the fix) merged. */
    async people(): Promise<void> {
      if (extra.people === 'merge-fix') {
        const branch = b.doc.fix?.branch ?? '';
        const r = await sandboxApi(sb, 'POST', '/api/sandbox/v1/merge', { branch });
        assert.equal(r.status, 200, `merge ${branch}: ${JSON.stringify(r.body)}`);
      } else {
        await i.revert(b.doc.revision ?? '');
      }
    },
    /** `abandon RUN --restore` (a run that ended failed), then the end state. */
    async abandon(runId: string) {
      const r = await i.run(['abandon', runId, '--reason', 'crash campaign: the metrics stay bad after the rollback', '--restore', '--yes']);
      assert.equal(r.code, 0, `abandon: ${r.stdout}${r.stderr}`);
      return this.shot(runId);
    },
    /**
     * The history entries added since the break, oldest first, each by what its revision is: the bad
     * release, a revision deployed before (by the id it had then: the same in every fresh sandbox),
     * or a new commit (the revert, the fix). Exactly one rollback entry shows as one `history N`.
     */
    async addedEntries(past: HistoryDoc['history']): Promise<string[]> {
      const now = (await i.json<HistoryDoc>(['history', s.app])).doc.history;
      const newest = Math.max(...past.map((h) => h.id));
      return now
        .filter((h) => h.id > newest)
        .sort((x, y) => x.id - y.id)
        .map((h) => (h.revision === b.doc.revision ? 'the bad release' : past.find((p) => p.revision === h.revision) ? `history ${past.filter((p) => p.revision === h.revision).map((p) => p.id).join('/')}` : 'a new commit'));
    },
    /** The end state the campaign compares. */
    async shot(runId: string) {
      const st = (await i.status()) as unknown as Status;
      const runs = (await i.json<{ runId: string; status: string }[]>(['runs', s.app])).doc;
      const history = (x: Status) => (typeof x.revision === 'number' ? x.revision : (x.historyId ?? 0));
      let flag: string | null = null;
      if (s.flag && st.source) {
        const text = (await run('git', ['--git-dir', sb.configRepo.path, 'show', `${sb.configRepo.branch}:${st.source.path}/flags.flagd.json`])).stdout;
        flag = (JSON.parse(text) as { flags: Record<string, { defaultVariant: string }> }).flags[s.flag]?.defaultVariant ?? 'missing';
      }
      return {
        run: runs.find((r) => r.runId === runId)?.status ?? 'missing',
        entries: pastHistory ? await this.addedEntries(pastHistory) : null,
        // A down migration crashed around and resumed must leave the schema the uninterrupted run
        // left: a statement run twice fails (or, if idempotent, still shows in the run's status).
        schema: s.migration === 'down' ? await schemaOf(sb.dir, s.app) : null,
        automated: st.syncPolicy?.automated ?? null,
        targetRevision: st.source?.targetRevision ?? null,
        hold: st.hold ? 'held' : null,
        added: history(st) - history(before),
        template: st.workload?.images ?? [],
        flag,
        rollout: st.rollout ? { phase: st.rollout.phase, abort: st.rollout.abort } : null,
      };
    },
  };
}
type Shot = Awaited<ReturnType<Awaited<ReturnType<typeof stage>>['shot']>>;

const tally = { points: 0, resumed: 0, refusals: 0 };
const perScenario = new Map<string, { points: number; resumed: number }>();
const started = performance.now();

describe('crash campaign over every scenario', { concurrency: WORKERS }, () => {
  for (const s of SCENARIOS) {
    if (!anyChosen(s)) continue;
    const mine = { points: 0, resumed: 0 };
    perScenario.set(s.name, mine);
    test(`${s.name}: the reference run, then every chosen step boundary crashed and resumed`, { concurrency: WORKERS }, async (t) => {
      // The uninterrupted run: its journal gives the crash points, its end the expected state.
      const ref = await stage(s);
      let points: Point[] = [];
      let expected: Shot;
      /** A reference that ends failed (slow-good) is then abandoned with --restore: its end after that. */
      let abandoned: Shot | undefined;
      let writeHold = -1;
      let expectedStory = '';
      let kinds: string[] = [];
      try {
        const plan = await ref.i.json<{ decision: string; mechanism: string | null; steps: { kind: string }[] }>(['plan', ...ref.args]);
        if (plan.doc?.decision !== 'rollback') {
          // A refusal: rollback refuses too, and nothing was held or changed.
          assert.equal(plan.r.code, 1, plan.r.stdout + plan.r.stderr);
          const rb = await ref.i.run(['rollback', ...ref.rollbackArgs, '--yes']);
          assert.equal(rb.code, 1, rb.stdout + rb.stderr);
          const st = (await ref.i.status()) as unknown as Status;
          assert.equal(st.hold, null, 'a refused run holds nothing');
          assert.deepEqual(st.syncPolicy?.automated, ref.before.syncPolicy?.automated, 'a refused run changes no sync policy');
          assert.deepEqual((await ref.i.json<unknown[]>(['runs', s.app, '--open'])).doc ?? [], [], 'a refused run is not left open');
          tally.refusals++;
          return;
        }
        const rb = await ref.i.json<RunDoc>(['rollback', ...ref.rollbackArgs, '--yes', '--timeout', '3m']);
        assert.ok(rb.doc?.runId, rb.r.stdout + rb.r.stderr);
        expectedStory = story('reference rollback', rb.doc);
        const reached = (d: RunDoc, from = 0) => d.steps.slice(from).filter((x) => x.status !== 'not-executed').map((x) => x.kind);
        const rollbackKinds = reached(rb.doc);
        let finishKinds: string[] = [];
        if (rb.doc.runStatus === 'awaiting-revert') {
          const pending = rb.doc.steps.findIndex((x) => x.status === 'pending');
          await ref.people();
          const fin = await ref.i.json<RunDoc>(['finish', s.app, '--timeout', '3m']);
          assert.ok(fin.doc?.runId, fin.r.stdout + fin.r.stderr);
          finishKinds = reached(fin.doc, pending);
        }
        expected = await ref.shot(rb.doc.runId);
        if (expected.run === 'failed') abandoned = await ref.abandon(rb.doc.runId);
        kinds = [...rollbackKinds, ...finishKinds];
        writeHold = kinds.findIndex((k) => k.endsWith('.write-hold'));
        const once = new Set<string>();
        // NOTE: REWIND_FAULT names a kind; a kind that occurs twice is crashed at its first occurrence.
        points = [
          ...rollbackKinds.map((kind) => ({ command: 'rollback' as const, kind })),
          ...finishKinds.map((kind) => ({ command: 'finish' as const, kind })),
        ]
          .filter((p) => (once.has(p.kind) ? false : (once.add(p.kind), true)))
          .flatMap((p) => (['before', 'after'] as const).map((when) => ({ scenario: s.name, ...p, when })))
          .filter((p) => chosen(p, plan.doc.mechanism === 'argocd-rollback'));
        // A stratum that picks nothing of a scenario that rolls back would pass it unchecked.
        if (pick === 'ci' || pick === 'full') assert.ok(points.length > 0, `no crash point chosen of ${s.name} (reached: ${kinds.join(', ')})`);
        const named = points.map(nameOf);
        const missing = (pick === 'full' || pick === 'ci' ? [] : picks.length ? picks : [...SUBSET]).filter((n) => n.startsWith(`${s.name} `) && !named.some((x) => x.includes(n)));
        assert.deepEqual(missing, [], `chosen points this scenario's run never reaches (rollback: ${rollbackKinds.join(', ')}; finish: ${finishKinds.join(', ')})`);
      } finally {
        await ref.sb.stop();
      }
      /** The hold is on Argo CD (or the Deployment) from write-hold's action until release-hold's. */
      const holdWritten = (p: Point) => {
        const at = kinds.indexOf(p.kind);
        if (writeHold < 0 || at < writeHold || (at === writeHold && p.when === 'before')) return false;
        return !(p.kind.endsWith('.release-hold') && p.when === 'after');
      };

      await Promise.all(points.map((p) =>
        t.test(`crash ${p.when} ${p.kind} during ${p.command}`, async () => {
          tally.points++;
          mine.points++;
          const x = await stage(s);
          const told: string[] = [];
          try {
            if (p.command === 'finish') {
              const rb = await timed('rollback before a finish crash', () => x.i.json<RunDoc>(['rollback', ...x.rollbackArgs, '--yes', '--timeout', '3m']));
              assert.equal(rb.doc?.runStatus, 'awaiting-revert', rb.r.stdout + rb.r.stderr);
              await timed('people', () => x.people());
            }
            const fault = `crash:${p.kind}:${p.when}`;
            const crashed = await timed('crashed run', () => x.i.crash(p.command === 'rollback' ? ['rollback', ...x.rollbackArgs, '--yes', '--timeout', '3m'] : ['finish', s.app, '--yes', '--timeout', '3m'], fault));
            assert.equal(crashed.signal, 'SIGKILL', `${fault} did not fire: ${crashed.stderr}`);

            const plain = await timed('refused rollbacks', () => x.i.run(['rollback', ...x.rollbackArgs, '--yes']));
            assert.equal(plain.code, 1, `a plain rollback after the crash must be refused: ${plain.stdout}${plain.stderr}`);
            const held = ((await timed('reads', () => x.i.status())) as unknown as Status).hold !== null;
            assert.equal(held, holdWritten(p), held ? 'the hold is written only from write-hold on' : 'the hold is written by then');
            if (held) {
              const otherDir = await mkdtemp(join(tmpdir(), 'rewind-campaign-other-'));
              try {
                const other = await timed('refused rollbacks', () => x.i.run(['rollback', ...x.rollbackArgs, '--yes'], { REWIND_STATE_DIR: otherDir }));
                assert.equal(other.code, 1, 'another state directory is refused by the hold');
                assert.match(other.stdout + other.stderr, /held by run /);
              } finally {
                await rm(otherDir, { recursive: true, force: true });
              }
            }

            const [open] = (await timed('reads', () => x.i.json<{ runId: string; status: string }[]>(['runs', s.app, '--open']))).doc;
            assert.ok(open, 'the crashed run is open');
            // resume continues the mitigation; a run past it (only follow-up steps left) is finish's.
            let toFinish = p.command === 'finish';
            if (p.command === 'rollback') {
              const resumed = await timed('resume', () => x.i.json<RunDoc>(['resume', open.runId, '--timeout', '3m']));
              told.push(story('resume', resumed.doc, resumed.r));
              // Crashed before or at the run's last step, a hold release (its outcome unjournaled): nothing waits on people.
              const onlyRelease = kinds.at(-1) === p.kind && p.kind.endsWith('.release-hold');
              if (resumed.r.code === 1 && /only the follow-up \(Step 3d\) is left/.test(resumed.r.stderr)) {
                assert.ok(!onlyRelease, `resume ends a run whose only step left releases its hold (${p.kind}), without finish: ${resumed.r.stderr}`);
                toFinish = true;
              } else {
                assert.ok(resumed.doc?.runStatus, `resume: ${resumed.r.stdout}${resumed.r.stderr}`);
                if (resumed.doc.runStatus === 'awaiting-revert') {
                  await timed('people', () => x.people());
                  toFinish = true;
                }
              }
            }
            if (toFinish) {
              let fin = await timed('finish', () => x.i.json<RunDoc>(['finish', s.app, '--timeout', '3m']));
              told.push(story('finish', fin.doc, fin.r));
              if (fin.doc?.runStatus === 'awaiting-revert' && p.command === 'rollback') {
                await timed('people', () => x.people());
                fin = await timed('finish', () => x.i.json<RunDoc>(['finish', s.app, '--timeout', '3m']));
                told.push(story('finish after the revert', fin.doc, fin.r));
              }
              assert.ok(fin.doc?.runStatus, `finish: ${fin.r.stdout}${fin.r.stderr}`);
            }
            const end = await timed('reads', () => x.shot(open.runId));
            assert.deepEqual(end, expected, `the crashed-then-resumed run ends as the uninterrupted one (${expectedStory}); after the crash: ${told.join('; ') || 'nothing resumed'}`);
            if (expected.run === 'finished') assert.deepEqual(end.automated, x.before.syncPolicy?.automated ?? null, 'auto-sync given back exactly as it was');
            if (abandoned) {
              // A run that fails as the uninterrupted one did is open for a person: abandon --restore gives back exactly what it saved.
              const gaveBack = await timed('abandon', () => x.abandon(open.runId));
              assert.deepEqual(gaveBack, abandoned, 'abandon --restore after the crash ends as after the uninterrupted run');
              assert.deepEqual(gaveBack.automated, x.before.syncPolicy?.automated ?? null, 'auto-sync given back exactly as it was');
            }
            tally.resumed++;
            mine.resumed++;
          } finally {
            await x.sb.stop();
          }
        }),
      ));
    });
  }
  after(() => {
    const avg = (x: number) => (spent.stagings ? (x / spent.stagings).toFixed(1) : '-');
    const scenarios = [...perScenario].map(([n, c]) => `${n} ${c.resumed}/${c.points}`).join(', ');
    process.stderr.write(
      `scenario crash campaign: ${tally.points} crash points, ${tally.resumed} resumed cleanly, ${tally.refusals} refusals checked, ${Math.round(secondsSince(started))} s with ${WORKERS} worker sandbox(es)\n` +
        `  per staging (${spent.stagings}: references and points), mean real s: sandbox start ${avg(spent.start)}, break ${avg(spent.break)}, the run/point itself ${avg(spent.point)} (sandbox speed ${SPEED})\n` +
        `  per crash point (${tally.points}), mean real s: ${[...phases].map(([k, v]) => `${k} ${(v / Math.max(1, tally.points)).toFixed(1)}`).join(', ')}\n` +
        `  resumed/points per scenario: ${scenarios}\n`,
    );
  });
});
