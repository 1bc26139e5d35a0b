/**
 * Issue 17 end to end, through the CLI against the sandbox over HTTPS: the canary app (an Argo
 * Rollout Argo CD deploys with self-heal) in its three incidents. `rollouts-canary`: rewind aborts
 * the paused bad canary through Argo CD's resource action, verifies stable, reverts git and waits
 * until Argo CD is Synced and Healthy. The same with Argo CD's RBAC denying the action: the plugin's
 * patch through the Kubernetes API instead. `rollouts-auto-aborted`: nothing to mitigate, verify and
 * make git agree. `rollouts-promoted`: undo with self-heal held, the sync policy given back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';
import { until } from '../../src/testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const APP = 'bookstore-catalog-canary-us-east';
const RO = 'catalog-canary';
const run = promisify(execFile);

interface StepJson { kind: string; status: string; evidence: string[]; error?: string }
interface RunJson { runId: string; status: string; runStatus: string; mechanism: string; to: { replicaSet: string }; steps: StepJson[] }
interface PlanJson { decision: string; mechanism: string; reasons: string[]; to: { kind: string; replicaSet: string }; steps: StepJson[] }
interface StatusJson {
  sync: string; health: string; hold: unknown; syncPolicy: { automated: { selfHeal: boolean; prune: boolean } | null };
  rollout?: { phase?: string; abort: boolean; stableHash?: string; currentHash?: string; currentStepIndex?: number; canaryWeight?: number; replicaSets: { name: string; hash: string; replicas: number; digests: string[] }[]; analysisRuns: { name: string; phase: string }[] };
}
interface RolloutJson { metadata: { annotations?: Record<string, string> }; spec: { template: { spec: { containers: { name: string; image: string }[] } } }; status: { phase?: string; abort?: boolean; stableRS?: string; currentPodHash?: string } }

let sb: SandboxProcess;
const cli = (args: readonly string[]) => rewind(args, { env: { REWIND_CONFIG: sb.configFile } });
const parse = <T>(text: string): T => JSON.parse(text) as T;
const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', 'us-east', '-n', NS, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;
const rollout = async (): Promise<RolloutJson> => parse<RolloutJson>(await kubectl('get', 'rollout', RO, '-o', 'json'));
const image = (r: RolloutJson): string => r.spec.template.spec.containers.find((c) => c.name === 'catalog')?.image ?? '';
const status = async (): Promise<StatusJson> => {
  const r = await cli(['status', APP, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return parse<StatusJson>(r.stdout);
};
const step = (doc: { steps: StepJson[] }, kind: string): StepJson => {
  const s = doc.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step in ${doc.steps.map((x) => x.kind).join(', ')}`);
  return s;
};
/** The sandbox's own admin endpoints (RBAC policy), with the Argo CD token as its CI routes take it. */
const sandboxApi = (method: string, path: string, body: unknown): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.argocdUrl), { method, ca: sb.ca, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
const breakWith = async (scenario: string): Promise<void> => {
  const r = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', scenario]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
};
/** Where every story must end: Argo CD Synced and Healthy, auto-sync with self-heal back, no hold, the Rollout Healthy on the good image. */
async function settledOn(goodImage: string): Promise<void> {
  await until('Synced, Healthy, the Rollout on the good image', async () => {
    const [s, r] = await Promise.all([status(), rollout()]);
    return s.sync === 'Synced' && s.health === 'Healthy' && r.status.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && image(r) === goodImage && !r.status.abort;
  });
  const s = await status();
  assert.equal(s.hold, null, 'the hold is given back');
  assert.deepEqual([s.syncPolicy.automated?.prune, s.syncPolicy.automated?.selfHeal], [true, true], 'auto-sync with prune and self-heal, as before');
}

let good = '';
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  const r = await until('the canary app Healthy', async () => {
    const x = await rollout();
    return x.status.phase === 'Healthy' ? x : undefined;
  });
  good = image(r);
});
after(async () => {
  await sb?.stop();
});

test('rollouts-canary: status shows the paused canary; rewind aborts it through Argo CD, verifies stable, reverts git, and self-heal never fights', async () => {
  await breakWith('rollouts-canary');
  const paused = await until('paused at 20%', async () => {
    const s = await status();
    return s.rollout?.phase === 'Paused' ? s : undefined;
  });
  assert.equal(paused.rollout?.currentStepIndex, 1);
  assert.equal(paused.rollout?.canaryWeight, 20);
  const canary = paused.rollout?.replicaSets.find((x) => x.hash === paused.rollout?.currentHash);
  const stable = paused.rollout?.replicaSets.find((x) => x.hash === paused.rollout?.stableHash);
  assert.ok(canary && stable && canary.hash !== stable.hash);
  assert.deepEqual([canary.replicas, stable.replicas], [1, 4]);
  assert.ok(canary.digests.some((d) => d.includes('sha256:')), 'the canary Pods\' digests are read');
  const text = await cli(['status', APP]);
  assert.match(text.stdout, /^ {2}Paused, step 1\/5, canary weight 20%/m);

  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  assert.equal(plan.to.replicaSet, stable.name);
  assert.deepEqual(plan.steps.map((s) => s.kind), [
    'argocd.write-hold', 'rollouts.abort', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics',
    'followup.revert', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
  ]);
  assert.ok(!plan.steps.some((s) => s.kind === 'argocd.disable-auto-sync'), 'abort leaves the spec alone: auto-sync stays on');
  assert.ok(plan.reasons.some((r) => /^channel: Argo CD's resource action/.test(r)), plan.reasons.join('\n'));
  assert.ok(plan.reasons.some((r) => /did not roll back by itself: no analysis ran before the bad weight: the canary is at step 1 \(20% of traffic\).*first analysis is step 2/.test(r)), plan.reasons.join('\n'));

  const r = await cli(['rollback', APP, '--yes', '--reason', 'catalog canary p99', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = parse<RunJson>(r.stdout);
  assert.equal(result.status, 'verified');
  assert.equal(result.runStatus, 'finished');
  const abort = step(result, 'rollouts.abort');
  assert.equal(abort.status, 'succeeded');
  assert.match(abort.evidence.join('\n'), /Argo CD resource action abort: argocd POST \/api\/v1\/applications\/bookstore-catalog-canary-us-east\/resource\/actions "abort"/);
  assert.match(step(result, 'rollouts.wait-stable').evidence.join('\n'), new RegExp(`every request goes to ${stable.name}.*phase Degraded: RolloutAborted`));
  assert.equal(step(result, 'verify.digest').status, 'succeeded');
  assert.equal(step(result, 'followup.revert').status, 'succeeded');
  await settledOn(good);
});

test('rollouts-canary with Argo CD\'s RBAC denying the abort action: the plugin\'s status patch through the Kubernetes API', async () => {
  await breakWith('rollouts-canary');
  await until('paused at 20%', async () => (await rollout()).status.phase === 'Paused');
  assert.equal(await sandboxApi('PUT', '/api/sandbox/v1/rbac', { policy: 'p, admin, applications, action/argoproj.io/Rollout/abort, bookstore/*, deny' }), 200);
  try {
    const r = await cli(['rollback', APP, '--yes', '--reason', 'catalog canary p99', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const abort = step(parse<RunJson>(r.stdout), 'rollouts.abort');
    const evidence = abort.evidence.join('\n');
    assert.match(evidence, /Argo CD's RBAC denies action\/argoproj.io\/Rollout\/abort on bookstore-catalog-canary-us-east: permission denied.*sent through the Kubernetes API instead/);
    assert.match(evidence, /kubernetes PATCH rollouts\/catalog-canary\/status \(merge\) \{"status":\{"abort":true\}\}/);
  } finally {
    assert.equal(await sandboxApi('PUT', '/api/sandbox/v1/rbac', { policy: '' }), 200);
  }
  await settledOn(good);
});

test('rollouts-auto-aborted: nothing to mitigate; rewind verifies stable and makes git agree', async () => {
  await breakWith('rollouts-auto-aborted');
  await until('aborted by its own analysis', async () => (await rollout()).status.abort === true, 480);
  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  assert.ok(!plan.steps.some((s) => s.kind === 'rollouts.abort' || s.kind === 'argocd.disable-auto-sync'), plan.steps.map((s) => s.kind).join(', '));
  assert.ok(plan.reasons.some((r) => /already aborted by its own analysis: RolloutAborted: .*Metric "p99-latency" assessed Failed/.test(r)), plan.reasons.join('\n'));
  const r = await cli(['rollback', APP, '--yes', '--reason', 'catalog canary aborted', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = parse<RunJson>(r.stdout);
  assert.equal(result.status, 'verified');
  assert.equal(step(result, 'followup.revert').status, 'succeeded');
  await settledOn(good);
});

test('rollouts-promoted: undo to the previous ReplicaSet with self-heal held, verified, git reverted, the policy given back', async () => {
  await breakWith('rollouts-promoted');
  const bad = await until('the bad version fully promoted', async () => {
    const x = await rollout();
    return x.status.phase === 'Healthy' && image(x) !== good ? x : undefined;
  });
  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  assert.deepEqual(plan.steps.map((s) => s.kind).slice(0, 4), ['argocd.write-hold', 'argocd.disable-auto-sync', 'rollouts.undo', 'rollouts.promote-full']);
  assert.ok(plan.reasons.some((r) => /did not roll back by itself: no AnalysisRun was created for revision \d+ although step 2 is an analysis/.test(r)), plan.reasons.join('\n'));
  const r = await cli(['rollback', APP, '--yes', '--reason', 'catalog promoted bad', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = parse<RunJson>(r.stdout);
  assert.equal(result.status, 'verified');
  assert.match(step(result, 'rollouts.undo').evidence.join('\n'), /kubernetes PATCH rollouts\/catalog-canary \(json\) replace \/spec\/template from catalog-canary-/);
  assert.equal(step(result, 'argocd.restore-sync-policy').status, 'succeeded');
  assert.notEqual(image(bad), good);
  await settledOn(good);
});

test('the operator\'s retry and promote --full: journaled runs under the hold, through Argo CD\'s actions', async () => {
  await breakWith('rollouts-canary');
  await until('paused at 20%', async () => (await rollout()).status.phase === 'Paused');
  const refused = await cli(['rollouts', 'retry', APP, '--yes']);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /rollout catalog-canary is not aborted \(Paused\): there is nothing to retry/);

  await kubectl('patch', 'rollout', RO, '--subresource=status', '--type=merge', '-p', '{"status":{"abort":true}}');
  await until('aborted', async () => (await rollout()).status.abort === true);
  const retried = await cli(['rollouts', 'retry', APP, '--yes', '--reason', 'the DB is back', '-o', 'json']);
  assert.equal(retried.code, 0, retried.stderr + retried.stdout);
  const retry = parse<RunJson>(retried.stdout);
  assert.deepEqual(retry.steps.map((s) => [s.kind, s.status]), [['argocd.write-hold', 'succeeded'], ['rollouts.retry', 'succeeded'], ['argocd.release-hold', 'succeeded']]);
  assert.match(step(retry, 'rollouts.retry').evidence.join('\n'), /Argo CD resource action retry: argocd POST .*"retry"/);
  await until('paused at 20% again', async () => {
    const r = await rollout();
    return r.status.phase === 'Paused' && !r.status.abort;
  });

  const promoted = await cli(['rollouts', 'promote', APP, '--full', '--yes', '-o', 'json']);
  assert.equal(promoted.code, 0, promoted.stderr + promoted.stdout);
  assert.match(step(parse<RunJson>(promoted.stdout), 'rollouts.promote').evidence.join('\n'), /Argo CD resource action promote-full/);
  await until('fully promoted', async () => {
    const r = await rollout();
    return r.status.phase === 'Healthy' && image(r) !== good && r.status.stableRS === r.status.currentPodHash;
  });
  const runs = await cli(['runs', APP, '-o', 'json']);
  assert.equal(runs.code, 0, runs.stderr);
  assert.ok((JSON.parse(runs.stdout) as { runId: string }[]).some((x) => x.runId === retry.runId), 'the retry is in the journal');
  assert.equal((await status()).hold, null);
});
