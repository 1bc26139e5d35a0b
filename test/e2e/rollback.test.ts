import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const APP = 'bookstore-catalog-us-east';

/**
 * The seed runbook end to end: the CLI, as a user runs it, against the sandbox over HTTPS.
 * Steps depend on each other (break → plan → rollback → finish), so they run in order.
 */
describe('rollback on the Argo CD path, end to end', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  /** imageIDs kubectl reads: every container's, init containers included, or only the catalog container's. */
  const kubectlImageIDs = (only?: 'catalog') =>
    execFileSync('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', 'us-east', '-n', 'bookstore-platform-acme-books', 'get', 'pods', '-l', 'app=catalog', '-o',
      only ? `jsonpath={.items[*].status.containerStatuses[?(@.name=="${only}")].imageID}` : 'jsonpath={.items[*].status.containerStatuses[*].imageID} {.items[*].status.initContainerStatuses[*].imageID}'], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean);
  const readJournal = () => {
    const state = join(sb.dir, 'state');
    return readdirSync(state)
      .filter((name) => name.startsWith('argocd-'))
      .flatMap((argocd) => readdirSync(join(state, argocd, 'runs')).map((f) => readFileSync(join(state, argocd, 'runs', f), 'utf8')))
      .join('\n');
  };
  const json = async (args: string[]) => {
    const r = await rewind([...args, '-o', 'json'], { env });
    return { ...r, doc: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined };
  };

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
  });
  after(async () => {
    await sb?.stop();
  });

  test('status shows the revision, the sync policy and the digests the Pods run', async () => {
    const r = await json(['status', APP]);
    assert.equal(r.code, 0, r.stderr);
    const doc = r.doc as { revision: string; health: string; syncPolicy: { autoSync: boolean }; runningDigests: string[] };
    assert.match(doc.revision, /^[0-9a-f]{40}$/);
    assert.equal(doc.syncPolicy.autoSync, true);
    assert.deepEqual(doc.runningDigests.sort(), [...new Set(kubectlImageIDs())].sort());
  });

  test('--context reads the workload from another cluster of the kubeconfig', async () => {
    const r = await json(['status', APP, '--context', 'eu-west']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.doc as { workload: { cluster: string } }).workload.cluster, 'eu-west');
    const bad = await rewind(['status', APP, '--context', 'mars-1'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown cluster or context "mars-1"/);
  });

  test('history lists entries newest first with the current one marked', async () => {
    const r = await json(['history', APP]);
    assert.equal(r.code, 0, r.stderr);
    const h = (r.doc as { history: { id: number; current: boolean; revision: string; shortRevision: string }[] }).history;
    assert.ok(h.length >= 2);
    assert.ok(h.every((e, i) => i === 0 || (h[i - 1] as { id: number }).id > e.id));
    assert.ok(h.every((e) => /^[0-9a-f]{40}$/.test(e.revision) && e.revision.startsWith(e.shortRevision)));
    const running = (await json(['status', APP])).doc as { revision: string; historyId: number };
    assert.deepEqual(h.filter((e) => e.current).map((e) => e.id), [running.historyId], 'exactly one current entry');
    assert.equal(h.find((e) => e.current)?.revision, running.revision, 'and it is what status says runs');
  });

  test('plan --save writes a plan that rollback --plan re-checks', async () => {
    const r = await rewind(['plan', APP, '--save', `${sb.dir}/plan-before-break.json`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /plan saved to/);
  });

  let goodDigests: string[] = [];
  let badRevision = '';
  let targetId = 0;

  test('after the bad deploy, plan picks the entry before it and changes nothing', async () => {
    goodDigests = [...new Set(kubectlImageIDs('catalog'))];
    const brk = await rewind(['sandbox', 'break', APP, '--dir', sb.dir], { env });
    assert.equal(brk.code, 0, brk.stderr);
    // wait for auto-sync to ship it
    for (let i = 0; i < 120; i++) {
      const s = await json(['status', APP]);
      const d = s.doc as { health: string; sync: string } | undefined;
      const running = [...new Set(kubectlImageIDs('catalog'))];
      if (d && d.sync === 'Synced' && d.health === 'Healthy' && running.length === 1 && !goodDigests.includes(running[0] as string)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const before = await json(['status', APP]);
    badRevision = (before.doc as { revision: string }).revision;
    const r = await json(['plan', APP]);
    assert.equal(r.code, 0, r.stderr);
    const plan = r.doc as { decision: string; from: { revision: string; historyId: number }; to: { historyId: number; revision: string }; steps: { kind: string }[] };
    assert.equal(plan.decision, 'rollback');
    assert.equal(plan.from.revision, badRevision);
    assert.equal(plan.to.historyId, plan.from.historyId - 1);
    targetId = plan.to.historyId;
    assert.deepEqual(plan.steps.map((s) => s.kind).slice(0, 6), ['argocd.preflight', 'argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest']);
    assert.equal((r.doc as { mechanism: string }).mechanism, 'argocd-rollback');
    const after = await json(['status', APP]);
    assert.equal((after.doc as { revision: string }).revision, badRevision, 'plan must not change anything');
    assert.equal((after.doc as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync, true);
  });

  test('a saved plan goes stale when a new deploy lands: refused, saying what changed', async () => {
    const r = await rewind(['rollback', APP, '--plan', `${sb.dir}/plan-before-break.json`, '--yes'], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /stale/);
    assert.match(r.stderr, /new sync landed|current revision changed/);
    const s = await json(['status', APP]);
    assert.equal((s.doc as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync, true);
  });

  test('rollback --dry-run walks every step and changes nothing', async () => {
    const r = await json(['rollback', APP, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.doc as { status: string }).status, 'dry-run');
    const steps = (r.doc as { steps: { kind: string; status: string }[] }).steps;
    assert.ok(steps.every((s) => s.status !== 'failed'), JSON.stringify(steps));
    const s = await json(['status', APP]);
    assert.equal((s.doc as { revision: string }).revision, badRevision);
    assert.equal((s.doc as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync, true);
    const runs = await json(['runs', APP]);
    assert.deepEqual(runs.doc, [], 'a dry run writes no journal');
  });

  test('rollback without a TTY and without --yes refuses and changes nothing', async () => {
    const r = await rewind(['rollback', APP], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /without confirmation/);
    const s = await json(['status', APP]);
    assert.equal((s.doc as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync, true);
  });

  test('--to with an id not in history is bad input (exit 2) naming the ids there are', async () => {
    const r = await rewind(['plan', APP, '--to', '9999'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /history id 9999 is not in/);
  });

  test('rollback --yes disables auto-sync, rolls back, and every Pod runs the good digest', async () => {
    const r = await json(['rollback', APP, '--yes', '--reason', 'e2e']);
    assert.equal(r.code, 0, r.stderr);
    const doc = r.doc as { status: string; to: { historyId: number }; steps: { kind: string; phase: string; status: string; startedAt: string }[] };
    assert.equal(doc.status, 'verified');
    assert.equal(doc.to.historyId, targetId);
    for (const s of doc.steps) assert.notEqual(s.status, 'failed', JSON.stringify(s));
    assert.ok(doc.steps.filter((s) => s.phase !== 'follow-up').every((s) => s.status === 'succeeded' || s.status === 'skipped'));
    assert.equal(doc.steps.find((s) => s.kind === 'followup.await-revert')?.status, 'pending', 'Step 3d stays open in the same run');
    assert.deepEqual([...new Set(kubectlImageIDs('catalog'))], goodDigests);
    const s = await json(['status', APP]);
    assert.equal((s.doc as { syncPolicy: { autoSync: boolean } }).syncPolicy.autoSync, false);
    const runs = await json(['runs', APP]);
    const open = (runs.doc as unknown as { status: string; holds: string[] }[])[0];
    assert.equal(open?.status, 'awaiting-revert');
    assert.match(open?.holds.join() ?? '', /auto-sync off on bookstore-catalog-us-east \(saved: auto-sync enabled=true, prune=true, selfHeal=true\)/);
    const journal = readJournal();
    assert.match(journal, /"type":"intent"/);
    assert.ok(!journal.includes(sb.token), 'the Argo CD token never reaches the journal');
    assert.ok(!(r.stdout + r.stderr).includes(sb.token), 'nor the output');
  });

  test('finish refuses until the revert is on the tracked branch, then restores prune and selfHeal', async () => {
    const early = await rewind(['finish', APP], { env });
    assert.equal(early.code, 1, early.stderr + early.stdout);
    assert.match(early.stdout + early.stderr, /not on main yet/);
    const rv = await rewind(['sandbox', 'revert', APP, '--dir', sb.dir, '--revision', badRevision], { env });
    assert.equal(rv.code, 0, rv.stderr);
    const r = await rewind(['finish', APP, '--timeout', '2m'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const s = await json(['status', APP]);
    const policy = (s.doc as { syncPolicy: { autoSync: boolean; automated: { prune: boolean; selfHeal: boolean } } }).syncPolicy;
    assert.equal(policy.autoSync, true);
    assert.equal(policy.automated.prune, true);
    assert.equal(policy.automated.selfHeal, true);
    assert.deepEqual([...new Set(kubectlImageIDs('catalog'))], goodDigests);
    const journal = readJournal();
    assert.match(journal, /"type":"intent","runId":"[^"]+","at":"[^"]+","step":\d+,"kind":"argocd.restore-sync-policy"/, 'finish journals its step before');
    assert.match(journal, /"type":"outcome","runId":"[^"]+","at":"[^"]+","step":\d+,"kind":"argocd.restore-sync-policy","phase":"follow-up","status":"succeeded"/, 'and after');
    assert.match(journal, /"status":"finished"/);
    const [run] = (await json(['runs', APP])).doc as unknown as { runId: string; status: string; holds: string[] }[];
    assert.equal(run?.status, 'finished');
    const shown = await rewind(['show', run?.runId ?? ''], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /mitigate:[\s\S]*verify:[\s\S]*follow-up:/);
    assert.match(shown.stdout, /\[succeeded\] Restore the saved sync policy/);
    assert.match(shown.stdout, /holds nothing now/);
  });

  test('an unknown app is bad input: one line, exit 2', async () => {
    const r = await rewind(['plan', 'bookstore-nope'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown app "bookstore-nope"/);
  });
});
