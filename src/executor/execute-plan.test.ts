import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterError } from '../core/errors.ts';
import { decide } from '../core/decide.ts';
import { FakeFacts, SEED } from '../testing/fake-facts.ts';
import type { ApplicationState, SyncPolicy, WorkloadState } from '../core/domain.ts';
import type { ClusterClient, Clock, ConfigRepo, GitOpsClient, JournalStore } from '../core/ports.ts';
import { stepHandlers } from './steps/index.ts';
import type { JournalRecord } from '../core/run.ts';
import { executePlan } from './execute-plan.ts';

/**
 * A small stateful stand-in for Argo CD and the cluster (the executor is what is under test):
 * a rollback appends a history entry and moves the Pods to that revision's image.
 */
function world(facts = FakeFacts.seed().build()) {
  let app: ApplicationState = facts.application?.value ?? assert.fail('the seed has an Application');
  const imageOf = (rev: string) => (rev === SEED.good.revision ? SEED.goodImage : SEED.badImage);
  let running = SEED.badImage;
  const calls: string[] = [];
  const gitops: GitOpsClient = {
    getApplication: () => Promise.resolve(app),
    setSyncPolicy: (_name, policy: SyncPolicy) => {
      calls.push(`setSyncPolicy enabled=${policy.automated?.enabled}`);
      app = { ...app, syncPolicy: policy };
      return Promise.resolve();
    },
    setTargetRevision: () => Promise.reject(new Error('not expected')),
    rollback: (_name, id) => {
      calls.push(`rollback ${id}`);
      const entry = app.history.find((h) => h.id === id);
      if (!entry) return Promise.reject(new Error('no such id'));
      const next = Math.max(...app.history.map((h) => h.id)) + 1;
      app = { ...app, history: [...app.history, { ...entry, id: next }], operation: { phase: 'Succeeded', revision: entry.revision } };
      running = imageOf(entry.revision);
      return Promise.resolve();
    },
    sync: () => Promise.reject(new Error('not expected')),
    setApplicationsSync: () => Promise.reject(new Error('not expected')),
    writeHold: (_name, hold) => {
      calls.push(`writeHold ${hold.runId}`);
      app = { ...app, hold: { ok: true, hold } };
      return Promise.resolve();
    },
    clearHold: () => {
      calls.push('clearHold');
      const { hold: _h, ...rest } = app;
      app = rest;
      return Promise.resolve();
    },
  };
  // The config repo: the revert lands when a test says so; Argo CD then sees the new head.
  const head = 'e'.repeat(40);
  let reverted = false;
  const repo: ConfigRepo = {
    resolve: () => Promise.resolve(head),
    changedFiles: () => Promise.resolve([]),
    show: () => Promise.resolve(undefined),
    log: () => Promise.resolve([]),
    hasRevertOf: () => Promise.resolve(reverted),
    contains: () => Promise.resolve(false),
    fetch: () => Promise.resolve(),
  };
  const landRevert = () => {
    reverted = true;
    app = { ...app, sync: { status: 'Synced', revision: head }, health: { status: 'Healthy' } };
  };
  const cluster: ClusterClient = {
    getWorkload: (): Promise<WorkloadState> =>
      Promise.resolve({
        ...facts.workload.value,
        pods: facts.workload.value.pods.map((p) => ({ ...p, image: running, imageID: running })),
      }),
  };
  const records: JournalRecord[] = [];
  const journal: JournalStore = {
    append: (r) => {
      records.push(r);
      return Promise.resolve();
    },
    read: () => Promise.resolve(records),
    listRuns: () => Promise.resolve([]),
    acquireLease: () => Promise.resolve(() => Promise.resolve()),
    close: () => Promise.resolve(),
  };
  let t = Date.parse(SEED.now);
  const clock: Clock = { now: () => new Date(t), sleep: (ms) => ((t += ms), Promise.resolve()) };
  return { gitops, cluster, repo, journal, clock, records, calls, handlers: new Map(stepHandlers.map((h) => [h.definition.kind, h])), host: 'test-host', progress: () => {}, app: () => app, setApp: (a: ApplicationState) => (app = a), landRevert };
}

const plan = decide(FakeFacts.seed().build());
const run = (w: ReturnType<typeof world>, over: Partial<Parameters<typeof executePlan>[1]> = {}) =>
  executePlan(w, { runId: 'r1', plan, actor: 'test', timeoutMs: 60_000, signal: new AbortController().signal, dryRun: false, ...over });

describe('executePlan', () => {
  it('journals an intent before and an outcome after every step, and leaves Step 3d open', async () => {
    const w = world();
    const result = await run(w);
    assert.equal(result.status, 'awaiting-revert');
    assert.deepEqual(w.calls, ['writeHold r1', 'setSyncPolicy enabled=false', 'rollback 41']);
    const upTo = plan.steps.findIndex((s) => s.kind === 'followup.await-revert');
    const kinds = plan.steps.slice(0, upTo + 1).map((s) => s.kind);
    assert.equal(result.steps[upTo]?.status, 'pending');
    assert.ok(result.steps.slice(upTo + 1).every((s) => s.status === 'not-executed'));
    const trail = w.records.filter((r) => r.type === 'intent' || r.type === 'outcome').map((r) => `${r.type}:${(r as { kind: string }).kind}`);
    assert.deepEqual(trail, kinds.flatMap((k) => [`intent:${k}`, `outcome:${k}`]));
    const last = w.records.at(-1);
    assert.equal(last?.type === 'run-status' ? last.status : undefined, 'awaiting-revert');
  });

  it('stops at a failed step: the rest are not executed and the run is failed', async () => {
    const w = world();
    w.gitops.rollback = () => Promise.reject(new Error('Argo CD said no'));
    const result = await run(w);
    assert.equal(result.status, 'failed');
    const byKind = Object.fromEntries(result.steps.map((s) => [s.kind, s.status]));
    assert.equal(byKind['argocd.rollback'], 'failed');
    assert.equal(byKind['argocd.wait-healthy'], 'not-executed');
    assert.equal(byKind['verify.digest'], 'not-executed');
    assert.equal(result.failure, 'system', 'a system that failed exits 3, not 4');
  });

  it('an Argo CD operation that fails is a system failure, not the service coming up wrong', async () => {
    const w = world();
    const rollback = w.gitops.rollback.bind(w.gitops);
    w.gitops.rollback = async (name, id, opts) => {
      await rollback(name, id, opts);
      w.setApp({ ...w.app(), operation: { phase: 'Failed', message: 'one or more objects failed to apply' } });
    };
    const result = await run(w);
    assert.equal(result.status, 'failed');
    assert.equal(result.steps.find((s) => s.kind === 'argocd.wait-healthy')?.status, 'failed');
    assert.equal(result.failure, 'system');
  });

  it('after the rollback, an app Missing only because the branch still declares the bad release\'s objects is judged by its rollout; Degraded is not', async () => {
    for (const [health, expected] of [['Missing', 'succeeded'], ['Degraded', 'failed']] as const) {
      const w = world();
      const rollback = w.gitops.rollback.bind(w.gitops);
      w.gitops.rollback = async (name, id, opts) => {
        await rollback(name, id, opts);
        w.setApp({ ...w.app(), sync: { status: 'OutOfSync', revision: SEED.bad.revision }, health: { status: health } });
      };
      const result = await run(w);
      assert.equal(result.steps.find((s) => s.kind === 'argocd.wait-healthy')?.status, expected, health);
    }
  });

  it('resumed at the wait after the rollback took effect: a deadline written after the operation finished is the rollback\'s own failure, not a stale one to wait out', async () => {
    for (const [deadlineAt, expected] of [['2026-05-20T14:50:00Z', /exceeded its progress deadline/], ['2026-05-20T14:20:00Z', /timed out waiting/]] as const) {
      const w = world();
      // The crashed run's rollback already happened: Argo CD's operation finished at 14:30.
      w.setApp({ ...w.app(), history: [...w.app().history, { id: 43, revision: SEED.good.revision, deployedAt: '2026-05-20T14:29:50Z' }], operation: { phase: 'Succeeded', revision: SEED.good.revision, finishedAt: '2026-05-20T14:30:00Z' } });
      const base = await w.cluster.getWorkload(plan.workload);
      w.cluster.getWorkload = () => Promise.resolve({ ...base, updatedReplicas: base.replicas - 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', lastUpdateTime: deadlineAt, message: 'ReplicaSet "catalog-good" has timed out progressing.' }] });
      const at = plan.steps.findIndex((x) => x.kind === 'argocd.wait-healthy');
      const done = plan.steps.slice(0, at).map((x) => ({ kind: x.kind, phase: x.phase, status: 'succeeded' as const, startedAt: SEED.now, endedAt: SEED.now, evidence: [] }));
      const result = await run(w, { startAt: at, previous: done, timeoutMs: 5 * 60_000 });
      const step = result.steps[at];
      assert.equal(step?.status, 'failed');
      assert.match(step?.error ?? '', expected, deadlineAt);
    }
  });

  it('Argo CD unreachable while waiting (a verification step) is a system failure: exit 3, not 4', async () => {
    const w = world();
    const rollback = w.gitops.rollback.bind(w.gitops);
    const get = w.gitops.getApplication.bind(w.gitops);
    let down = false;
    w.gitops.rollback = async (name, id, opts) => {
      await rollback(name, id, opts);
      down = true;
    };
    w.gitops.getApplication = (name, opts) => (down ? Promise.reject(new AdapterError('argocd', `get application ${name}`, 'cannot reach Argo CD (connection refused)', { transient: true })) : get(name, opts));
    const result = await run(w);
    assert.equal(result.steps.find((s) => s.kind === 'argocd.wait-healthy')?.status, 'failed');
    assert.equal(result.failure, 'system');
  });

  it('the follow-up continues the same run once the revert lands: auto-sync back exactly as saved, run finished', async () => {
    const w = world();
    const first = await run(w);
    const at = first.steps.findIndex((s) => s.status === 'pending');
    w.landRevert();
    const done = await run(w, { startAt: at, previous: first.steps });
    assert.equal(done.status, 'finished');
    assert.deepEqual(w.calls, ['writeHold r1', 'setSyncPolicy enabled=false', 'rollback 41', 'setSyncPolicy enabled=true', 'clearHold']);
    assert.deepEqual(w.app().syncPolicy, FakeFacts.seed().build().application?.value.syncPolicy);
    const restore = w.records.filter((r) => (r.type === 'intent' || r.type === 'outcome') && r.kind === 'argocd.restore-sync-policy').map((r) => r.type);
    assert.deepEqual(restore, ['intent', 'outcome']);
    assert.equal(w.records.filter((r) => r.type === 'run-started').length, 1, 'one run, one journal');
  });

  it('without a config repo the follow-up waits, naming what is missing', async () => {
    const w = world();
    const { repo: _repo, ...noRepo } = w;
    const result = await executePlan(noRepo, { runId: 'r2', plan, actor: 'test', timeoutMs: 60_000, signal: new AbortController().signal, dryRun: false });
    assert.equal(result.status, 'awaiting-revert');
    assert.match(result.steps.find((s) => s.status === 'pending')?.evidence.join(' ') ?? '', /no configRepo/);
  });

  it('Ctrl-C before a step leaves the run interrupted with nothing more done', async () => {
    const w = world();
    const ac = new AbortController();
    ac.abort();
    const result = await run(w, { signal: ac.signal });
    assert.equal(result.status, 'interrupted');
    assert.deepEqual(w.calls, []);
    assert.ok(result.steps.every((s) => s.status === 'not-executed'));
  });

  it('resumes at a given step, re-reading state: a rollback already done is skipped, not repeated', async () => {
    const w = world();
    await run(w);
    const resumed = await run(w, { startAt: 2, previous: [] });
    assert.deepEqual(w.calls, ['writeHold r1', 'setSyncPolicy enabled=false', 'rollback 41'], 'no second rollback');
    assert.equal(resumed.steps.find((s) => s.kind === 'argocd.rollback')?.status, 'skipped');
  });

  it('refuses at pre-flight, changing nothing, when another run holds the app', async () => {
    const w = world();
    const { hold: _none, ...plain } = w.app();
    w.setApp({ ...plain, hold: { ok: true, hold: { runId: 'other', app: SEED.app, actor: 'bob', host: 'h2', at: SEED.now, badRevision: SEED.bad.revision, saved: { syncPolicy: plain.syncPolicy }, state: 'active' } } });
    const result = await run(w);
    assert.equal(result.status, 'refused', 'nothing was changed: the run is closed, not left open');
    assert.equal(result.failure, 'refused');
    assert.match(result.steps[0]?.error ?? '', /held by run other \(bob@h2/);
    assert.deepEqual(w.calls, []);
  });

  it('refuses at pre-flight when a sync landed after the plan was made', async () => {
    const w = world();
    const a = w.app();
    w.setApp({ ...a, history: [...a.history, { id: 43, revision: SEED.bad.revision, deployedAt: SEED.now }] });
    const result = await run(w);
    assert.equal(result.steps[0]?.status, 'failed');
    assert.match(result.steps[0]?.error ?? '', /a sync landed since the plan was made/);
    assert.equal(result.failure, 'refused');
    assert.deepEqual(w.calls, []);
  });

  it('fails verification when a Pod still runs the bad digest', async () => {
    const w = world();
    w.cluster.getWorkload = async (ref) => {
      const real = await world().cluster.getWorkload(ref);
      return { ...real, pods: real.pods.map((p, i) => (i === 0 ? { ...p, imageID: SEED.badImage } : { ...p, imageID: SEED.goodImage })) };
    };
    const result = await run(w);
    assert.equal(result.status, 'failed');
    const verify = result.steps.find((s) => s.kind === 'verify.digest');
    assert.equal(verify?.status, 'failed');
    assert.equal(result.failure, 'verification');
    assert.match(verify?.error ?? '', /Pods do not run the target's images/);
    assert.ok(verify?.evidence.some((e) => e.includes(SEED.badImage.split('@')[1]!.slice(0, 19))), JSON.stringify(verify?.evidence));
  });
});
