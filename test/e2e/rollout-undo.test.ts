/**
 * Issue 13 end to end, through the CLI against the sandbox over HTTPS: `rollout undo` for an app
 * Argo CD does not manage (the search team's kubectl-deployed Deployment), a paused Deployment
 * refused, self-heal putting a plain `kubectl rollout undo` back, and rewind's undo on the same
 * self-healed app (self-heal held, undo, git revert pushed, auto-sync restored) that sticks; then
 * a revert sent for review on a protected branch and merged. A revert that conflicts, or that
 * reaches outside the app's folder: test/adapters/git-revert-publisher.test.ts (real git).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';
import { until } from '../../src/testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const SEARCH = 'bookstore-search-us-east';
const CATALOG = 'bookstore-catalog-us-east';
const run = promisify(execFile);

interface DeploymentJson {
  metadata: { generation: number; annotations: Record<string, string | undefined> };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
  status: { observedGeneration: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}
interface StepJson { kind: string; status: string; evidence: string[] }
interface RunJson { status: string; runStatus: string; mechanism: string; rejected: { mechanism: string; reason: string }[]; steps: StepJson[] }
interface PlanJson { mechanism: string; to: { kind: string; replicaSetRevision: number }; rejected: { mechanism: string; reason: string }[]; steps: StepJson[] }
interface StatusJson { sync: string; syncRevision: string; hold: unknown; syncPolicy: { automated: { selfHeal: boolean } | null } }
const parse = <T>(text: string): T => JSON.parse(text) as T;
const step = (doc: { steps: StepJson[] }, kind: string): StepJson => {
  const s = doc.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step`);
  return s;
};

let sb: SandboxProcess;
const env = () => ({ REWIND_CONFIG: sb.configFile });
const cli = (args: readonly string[]) => rewind(args, { env: env() });
const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', 'us-east', '-n', NS, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;
const deployment = async (name: string): Promise<DeploymentJson> => parse<DeploymentJson>(await kubectl('get', 'deployment', name, '-o', 'json'));
const imageOf = (d: DeploymentJson, container: string): string => d.spec.template.spec.containers.find((c) => c.name === container)?.image ?? '';
const image = async (name: string, container = name): Promise<string> => imageOf(await deployment(name), container);
/** The sandbox's forge endpoints (protect, merge), with the Argo CD token as the CI routes take it. */
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
const rolledOut = (d: DeploymentJson): boolean => d.status.observedGeneration >= d.metadata.generation && d.status.updatedReplicas === d.spec.replicas && d.status.availableReplicas === d.spec.replicas && d.status.replicas === d.spec.replicas;

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
});
after(async () => {
  await sb?.stop();
});

describe('an app Argo CD does not manage (gitops: none)', () => {
  test('the crash-looping kubectl release is undone to the previous ReplicaSet, verified by digest, the hold given back', async () => {
    const good = await image('search');
    const brk = await cli(['sandbox', 'break', SEARCH, '--dir', sb.dir, '--scenario', 'kubectl']);
    assert.equal(brk.code, 0, brk.stderr);
    await until('the bad release crash-looping', async () => (await kubectl('get', 'pods', '-l', 'app=search')).includes('CrashLoopBackOff'));
    assert.notEqual(await image('search'), good);

    const plan = await cli(['plan', SEARCH, '-o', 'json']);
    assert.equal(plan.code, 0, plan.stderr);
    const doc = parse<PlanJson>(plan.stdout);
    assert.equal(doc.mechanism, 'rollout-undo');
    assert.deepEqual([doc.to.kind, doc.to.replicaSetRevision], ['replicaset-revision', 2]);
    assert.match(doc.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /has no Argo CD Application/);
    assert.deepEqual(doc.steps.map((s) => s.kind), ['kube.preflight', 'kube.write-hold', 'kube.rollout-undo', 'kube.wait-rollout', 'verify.digest', 'verify.metrics', 'kube.release-hold']);

    const r = await cli(['rollback', SEARCH, '--yes', '--reason', 'search crash-looping after 0.8.0', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const result = parse<RunJson>(r.stdout);
    assert.equal(result.status, 'rolled-back', 'search declares no metrics: rolled back, not verified');
    assert.equal(result.mechanism, 'rollout-undo');
    assert.ok(result.rejected.length > 0);
    assert.deepEqual(result.steps.map((s) => s.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'skipped', 'succeeded']);
    assert.match(step(result, 'verify.digest').evidence.join('\n'), /2\/2 Pods run the target's 1 container, by reference and digest/);
    const d = await deployment('search');
    assert.equal(imageOf(d, 'search'), good);
    assert.equal(d.metadata.annotations['rewind.io/hold'], undefined, 'the hold is given back');
    assert.ok(rolledOut(d));
    // kubectl's "previous" is now the crash-looping release: rewind does not go there unasked.
    const again = await cli(['plan', SEARCH]);
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stdout, /revision 3 \(search-\w+\) is newer than the running revision 4/);
  });

  test('a paused Deployment is refused with kubectl\'s advice, and nothing changes', async () => {
    await kubectl('rollout', 'pause', 'deployment/search');
    try {
      const before = await deployment('search');
      const r = await cli(['plan', SEARCH]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again/);
      assert.equal((await deployment('search')).metadata.generation, before.metadata.generation);
    } finally {
      await kubectl('rollout', 'resume', 'deployment/search');
    }
  });
});

describe('a crash in the middle of an undo', () => {
  test('killed right after the undo: another rewind is refused by the hold on the Deployment; resume finishes the run', async () => {
    const good = await image('search');
    const brk = await cli(['sandbox', 'break', SEARCH, '--dir', sb.dir, '--scenario', 'kubectl']);
    assert.equal(brk.code, 0, brk.stderr);
    await until('the bad release shipped', async () => (await image('search')) !== good);
    const crashed = await rewind(['rollback', SEARCH, '--yes'], { env: { ...env(), REWIND_FAULT: 'crash:kube.rollout-undo:after' } });
    assert.notEqual(crashed.code, 0, 'SIGKILLed after the undo acted');
    assert.equal(await image('search'), good, 'the undo had acted');
    // Another engineer, another journal: the hold on the Deployment refuses them.
    const other = await rewind(['plan', SEARCH], { env: { ...env(), REWIND_STATE_DIR: `${sb.dir}/other-state` } });
    assert.equal(other.code, 1, other.stdout + other.stderr);
    assert.match(other.stdout, /deployment bookstore-platform-acme-books\/search: held by run \S+ /);
    const open = parse<{ runId: string; status: string; holds: string[] }[]>((await cli(['runs', SEARCH, '--open', '-o', 'json'])).stdout);
    assert.equal(open.length, 1);
    assert.deepEqual(open[0]?.holds, ['the hold annotation on deployment bookstore-platform-acme-books/search']);
    const st = parse<{ gitops: string; hold: { runId: string } | null }>((await cli(['status', SEARCH, '-o', 'json'])).stdout);
    assert.deepEqual([st.gitops, st.hold?.runId], ['none', open[0]?.runId], 'status shows who holds the Deployment');
    const resumed = await cli(['resume', open[0]?.runId ?? '', '-o', 'json']);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const doc = parse<RunJson>(resumed.stdout);
    assert.equal(doc.status, 'rolled-back');
    assert.equal(step(doc, 'kube.rollout-undo').status, 'skipped', 'the undo is not sent twice');
    assert.equal((await deployment('search')).metadata.annotations['rewind.io/hold'], undefined);
  });
});

describe('abandoning an undo run', () => {
  test('killed after the hold: abandon --leave marks the Deployment, release clears it, and the next rewind may act', async () => {
    const good = await image('search');
    assert.equal((await cli(['sandbox', 'break', SEARCH, '--dir', sb.dir, '--scenario', 'kubectl'])).code, 0);
    await until('the bad release shipped', async () => (await image('search')) !== good);
    const crashed = await rewind(['rollback', SEARCH, '--yes'], { env: { ...env(), REWIND_FAULT: 'crash:kube.write-hold:after' } });
    assert.notEqual(crashed.code, 0);
    const [open] = parse<{ runId: string }[]>((await cli(['runs', SEARCH, '--open', '-o', 'json'])).stdout);
    assert.ok(open);
    const left = await cli(['abandon', open.runId, '--reason', 'taking it by hand', '--leave', '--yes']);
    assert.equal(left.code, 0, left.stderr + left.stdout);
    const held = parse<{ hold: { state: string } | null }>((await cli(['status', SEARCH, '-o', 'json'])).stdout);
    assert.equal(held.hold?.state, 'left');
    const refused = await cli(['plan', SEARCH]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /left changed by abandoned run/);
    const released = await cli(['release', SEARCH]);
    assert.equal(released.code, 0, released.stderr + released.stdout);
    assert.equal(parse<{ hold: unknown }>((await cli(['status', SEARCH, '-o', 'json'])).stdout).hold, null);
    const r = await cli(['rollback', SEARCH, '--yes', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await image('search'), good);
  });
});

describe('a self-healed Argo CD app', () => {
  let bad = '';
  let goodDigest = '';

  test('a plain kubectl rollout undo is put back by self-heal within seconds (the seed\'s footgun)', async () => {
    goodDigest = await image('catalog');
    const brk = await cli(['sandbox', 'break', CATALOG, '--dir', sb.dir, '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    bad = parse<{ revision: string }>(brk.stdout).revision;
    const badImage = await until('the bad digest rolled out', async () => {
      const d = await deployment('catalog');
      const i = imageOf(d, 'catalog');
      return i !== goodDigest && rolledOut(d) && i;
    });
    const before = (await deployment('catalog')).metadata.generation;
    assert.match(await kubectl('rollout', 'undo', 'deployment/catalog'), /rolled back/);
    // NOTE: self-heal's first attempt comes at once (upstream's back-off), so reading the image
    // right after the undo races it; the generations say both happened: the undo's, then self-heal's.
    await until('self-heal to put the bad digest back over the undo', async () => {
      const d = await deployment('catalog');
      return imageOf(d, 'catalog') === badImage && d.metadata.generation >= before + 2;
    });
  });

  test('rewind\'s undo holds self-heal, undoes, pushes the revert, gives auto-sync back, and sticks', async () => {
    const r = await cli(['rollback', CATALOG, '--mechanism', 'undo', '--yes', '--reason', 'p99 after the bad digest', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const result = parse<RunJson>(r.stdout);
    assert.equal(result.mechanism, 'rollout-undo');
    assert.equal(result.runStatus, 'finished', JSON.stringify(result.steps, null, 1));
    const kinds = result.steps.map((s) => s.kind);
    assert.ok(kinds.indexOf('argocd.disable-auto-sync') < kinds.indexOf('kube.rollout-undo'), 'self-heal is held before the undo');
    assert.match(step(result, 'followup.revert').evidence.join(' '), /pushed it to main/);
    const log = (await run('git', ['--git-dir', sb.configRepo.path, 'log', '-1', '--format=%B', 'main'])).stdout;
    assert.match(log, new RegExp(`This reverts commit ${bad}`));
    assert.match(log, /Rewind-Run: .*bookstore-catalog-us-east/);
    assert.match(log, /Rewind-Reason: p99 after the bad digest/);
    const status = parse<StatusJson>((await cli(['status', CATALOG, '-o', 'json'])).stdout);
    assert.equal(status.syncPolicy.automated?.selfHeal, true, 'auto-sync and self-heal are back');
    assert.equal(status.sync, 'Synced');
    assert.equal(status.hold, null);
    // Why it sticks: self-heal is on again, and git (the revert at the branch head) says what runs.
    const head = (await run('git', ['--git-dir', sb.configRepo.path, 'rev-parse', 'main'])).stdout.trim();
    assert.equal(status.syncRevision, head);
    assert.equal(await image('catalog'), goodDigest);
  });
});

describe('git revert by rewind on a protected branch', () => {
  test('the revert goes to a review branch, the run waits, and finish continues once it is merged', async () => {
    const app = 'bookstore-orders-us-east';
    const brk = await cli(['sandbox', 'break', app, '--dir', sb.dir, '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    const bad = parse<{ revision: string }>(brk.stdout).revision;
    assert.equal((await forge('/api/sandbox/v1/protect', { branch: 'main', protected: true })).status, 200);
    try {
      const r = await cli(['rollback', app, '--mechanism', 'undo', '--yes', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const result = parse<RunJson>(r.stdout);
      assert.equal(result.runStatus, 'awaiting-revert');
      const revert = step(result, 'followup.revert');
      assert.match(revert.evidence.join(' '), /for review: main refused the push \(remote: error: GH006: Protected branch update failed/);
      const branch = /rewind\/revert-[\w.-]+/.exec(revert.evidence.join(' '))?.[0];
      assert.ok(branch);
      const early = await cli(['finish', app, '-o', 'json']);
      assert.equal(parse<RunJson>(early.stdout).runStatus, 'awaiting-revert', 'still waiting for the merge');
      assert.equal((await forge('/api/sandbox/v1/merge', { branch })).status, 200);
      const done = await cli(['finish', app, '-o', 'json']);
      assert.equal(done.code, 0, done.stderr + done.stdout);
      assert.equal(parse<RunJson>(done.stdout).runStatus, 'finished');
      const log = (await run('git', ['--git-dir', sb.configRepo.path, 'log', '--format=%B', '-3', 'main'])).stdout;
      assert.match(log, /Merge branch 'rewind\/revert-/);
      assert.match(log, new RegExp(`This reverts commit ${bad}`), 'what was merged is the revert of the bad commit');
    } finally {
      await forge('/api/sandbox/v1/protect', { branch: 'main', protected: false });
    }
  });
});
