/**
 * Issue 17, the Rollouts Argo CD does not manage, end to end through the CLI against the sandbox
 * over HTTPS: the search indexer's Rollout takes its template from a Deployment (`workloadRef`,
 * `scaleDown: onsuccess`), both applied with kubectl (`gitops: none`). Scenario
 * `rollouts-workloadref`: its pipeline sets a bad image on the Deployment and the team promotes
 * it in full. rewind undoes it as `kubectl argo rollouts undo` does: the Deployment's template is
 * patched, the Rollout follows (a new canary of the old ReplicaSet, promoted fully), every Pod
 * returns to the good digest, verified, under a hold on the Rollout that is given back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';
import { until } from '../../src/testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const APP = 'bookstore-search-indexer-us-east';
const NAME = 'search-indexer';
const run = promisify(execFile);

interface StepJson { kind: string; status: string; title: string; evidence: string[]; params: Record<string, unknown> }
interface RunJson { status: string; runStatus: string; mechanism: string; steps: StepJson[] }
interface PlanJson { decision: string; mechanism: string; reasons: string[]; to: { kind: string; replicaSet: string }; steps: StepJson[] }
interface StatusJson { gitops: string; hold: unknown; rollout?: { phase?: string; workloadRef?: { kind: string; name: string }; stableHash?: string; currentHash?: string; replicaSets: { name: string; hash: string; replicas: number; digests: string[] }[] } }
interface RolloutJson { metadata: { annotations?: Record<string, string> }; status: { phase?: string; stableRS?: string; currentPodHash?: string; workloadObservedGeneration?: string } }
interface DeploymentJson { metadata: { generation: number }; spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } } }
interface PodJson { items: { metadata: { labels: Record<string, string> }; status: { containerStatuses?: { imageID: string; ready: boolean }[] } }[] }

let sb: SandboxProcess;
const cli = (args: readonly string[]) => rewind(args, { env: { REWIND_CONFIG: sb.configFile } });
const parse = <T>(text: string): T => JSON.parse(text) as T;
const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', 'us-east', '-n', NS, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;
const rollout = async (): Promise<RolloutJson> => parse<RolloutJson>(await kubectl('get', 'rollout', NAME, '-o', 'json'));
const deployment = async (): Promise<DeploymentJson> => parse<DeploymentJson>(await kubectl('get', 'deployment', NAME, '-o', 'json'));
const image = (d: DeploymentJson): string => d.spec.template.spec.containers.find((c) => c.name === NAME)?.image ?? '';
const step = (doc: { steps: StepJson[] }, kind: string): StepJson => {
  const s = doc.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step in ${doc.steps.map((x) => x.kind).join(', ')}`);
  return s;
};
const stable = (r: RolloutJson): boolean => r.status.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && r.status.workloadObservedGeneration === r.metadata.annotations?.['rollout.argoproj.io/workload-generation'];
/** The digests the Rollout's Pods run (the Deployment's own Pods, if any, carry no rollouts hash). */
async function runningDigests(): Promise<string[]> {
  const pods = parse<PodJson>(await kubectl('get', 'pods', '-l', `app=${NAME}`, '-o', 'json'));
  return [...new Set(pods.items.filter((p) => p.metadata.labels['rollouts-pod-template-hash']).flatMap((p) => (p.status.containerStatuses ?? []).map((c) => c.imageID.replace(/^.*@/, ''))))].sort();
}

let good = '';
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  await until('the indexer Rollout Healthy', async () => stable(await rollout()));
  good = image(await deployment());
});
after(async () => {
  await sb?.stop();
});

test('rollouts-workloadref: rewind undoes the fully promoted bad version through the referenced Deployment; the Rollout follows and every Pod returns to the good digest', async () => {
  const d0 = await deployment();
  assert.equal(d0.spec.replicas, 0, 'scaleDown onsuccess: the Deployment is at 0 once the Rollout was Healthy');
  const s0 = await cli(['status', APP, '-o', 'json']);
  assert.equal(s0.code, 0, s0.stderr);
  const st = parse<StatusJson>(s0.stdout);
  assert.deepEqual([st.gitops, st.rollout?.phase, st.rollout?.workloadRef], ['none', 'Healthy', { kind: 'Deployment', name: NAME, scaleDown: 'onsuccess' }]);
  const goodDigests = await runningDigests();
  assert.equal(goodDigests.length, 1);

  const brk = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'rollouts-workloadref', '-o', 'json']);
  assert.equal(brk.code, 0, brk.stderr + brk.stdout);
  await until('the bad version fully promoted', async () => {
    const [r, d] = await Promise.all([rollout(), deployment()]);
    return stable(r) && image(d) !== good;
  });
  const bad = image(await deployment());
  assert.notDeepEqual(await runningDigests(), goodDigests);

  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  assert.deepEqual(plan.steps.map((s) => s.kind), ['rollouts.write-hold', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics', 'rollouts.release-hold']);
  assert.match(step(plan, 'rollouts.undo').title, /\/spec\/template of Deployment search-indexer \(the Rollout's workloadRef\)/);
  assert.ok(plan.reasons.some((r) => /no self-heal to hold and no revert to wait for/.test(r)), plan.reasons.join('\n'));

  const r = await cli(['rollback', APP, '--yes', '--reason', 'indexer blocks queries', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = parse<RunJson>(r.stdout);
  assert.equal(result.status, 'rolled-back', 'the indexer declares no metrics: rolled back, not verified');
  assert.equal(result.runStatus, 'finished');
  assert.deepEqual(result.steps.map((s) => [s.kind, s.status]), [
    ['rollouts.write-hold', 'succeeded'], ['rollouts.undo', 'succeeded'], ['rollouts.promote-full', 'succeeded'], ['rollouts.wait-stable', 'succeeded'],
    ['verify.digest', 'succeeded'], ['verify.metrics', 'skipped'], ['rollouts.release-hold', 'succeeded'],
  ]);
  assert.match(step(result, 'rollouts.undo').evidence.join('\n'), /kubernetes PATCH deployments\/search-indexer \(json\) replace \/spec\/template from search-indexer-\w+ \(the Rollout's workloadRef\)/);
  assert.match(step(result, 'rollouts.promote-full').evidence.join('\n'), /kubernetes PATCH rollouts\/search-indexer\/status \(merge\) \{"status":\{"promoteFull":true\}\}/);

  const d = await deployment();
  assert.equal(image(d), good, 'the Deployment (where the template lives) is back on the good image');
  assert.notEqual(image(d), bad);
  assert.equal(d.spec.replicas, 0, 'and stays at 0: scaleDown applies to revision 1 only, and the undo does not touch replicas');
  const after = await rollout();
  assert.ok(stable(after), JSON.stringify(after.status));
  assert.equal(after.metadata.annotations?.['rewind.io/hold'], undefined, 'the hold is given back');
  assert.deepEqual(await runningDigests(), goodDigests, 'every Rollout Pod runs the good digest again');
});

test('rollback --plan FILE: a saved Rollout plan is re-checked against the Rollout as the plan saw it, refused with what changed, then run as saved', async () => {
  const brk = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'rollouts-workloadref']);
  assert.equal(brk.code, 0, brk.stderr + brk.stdout);
  await until('the bad version fully promoted again', async () => {
    const [r, d] = await Promise.all([rollout(), deployment()]);
    return stable(r) && image(d) !== good;
  });
  const bad = image(await deployment());
  const file = `${sb.dir}/indexer-plan.json`;
  const saved = await cli(['plan', APP, '--save', file]);
  assert.equal(saved.code, 0, saved.stderr + saved.stdout);

  await kubectl('patch', 'rollout', NAME, '--type', 'merge', '-p', '{"spec":{"paused":true}}');
  await until('paused by hand', async () => (await rollout()).status.phase === 'Paused');
  const refused = await cli(['rollback', APP, '--plan', file, '--yes']);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /the saved plan is stale: the Rollout's phase changed: Healthy -> Paused/);
  assert.equal(image(await deployment()), bad, 'nothing was changed');
  assert.equal((await rollout()).metadata.annotations?.['rewind.io/hold'], undefined, 'not even the hold');

  await kubectl('patch', 'rollout', NAME, '--type', 'merge', '-p', '{"spec":{"paused":false}}');
  await until('Healthy again', async () => stable(await rollout()));
  const r = await cli(['rollback', APP, '--plan', file, '--yes', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = parse<RunJson>(r.stdout);
  assert.equal(result.status, 'rolled-back');
  assert.deepEqual(result.steps.map((s) => s.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'skipped', 'succeeded']);
  assert.equal(image(await deployment()), good);
  assert.ok(stable(await rollout()));
});

test('killed after the hold on the Rollout: another journal is refused by it; abandon --leave marks it, release clears it, and the next rewind may act', async () => {
  const brk = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'rollouts-workloadref']);
  assert.equal(brk.code, 0, brk.stderr + brk.stdout);
  await until('the bad version fully promoted again', async () => {
    const [r, d] = await Promise.all([rollout(), deployment()]);
    return stable(r) && image(d) !== good;
  });
  const crashed = await rewind(['rollback', APP, '--yes'], { env: { REWIND_CONFIG: sb.configFile, REWIND_FAULT: 'crash:rollouts.write-hold:after' } });
  assert.notEqual(crashed.code, 0, 'SIGKILLed after the hold was written');
  const other = await rewind(['plan', APP], { env: { REWIND_CONFIG: sb.configFile, REWIND_STATE_DIR: `${sb.dir}/other-state` } });
  assert.equal(other.code, 1, other.stdout + other.stderr);
  assert.match(other.stdout, /rollout bookstore-platform-acme-books\/search-indexer: held by run \S+ /);

  const [open] = parse<{ runId: string }[]>((await cli(['runs', APP, '--open', '-o', 'json'])).stdout);
  assert.ok(open);
  const left = await cli(['abandon', open.runId, '--reason', 'taking it by hand', '--leave', '--yes']);
  assert.equal(left.code, 0, left.stderr + left.stdout);
  assert.equal(parse<{ hold: { state: string } | null }>((await cli(['status', APP, '-o', 'json'])).stdout).hold?.state, 'left');
  const refused = await cli(['plan', APP]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /left changed by abandoned run/);
  const released = await cli(['release', APP]);
  assert.equal(released.code, 0, released.stderr + released.stdout);
  assert.match(released.stdout, /gone from rollout bookstore-platform-acme-books\/search-indexer/);
  const r = await cli(['rollback', APP, '--yes', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(image(await deployment()), good);
});
