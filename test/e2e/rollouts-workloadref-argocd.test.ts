/**
 * Issue 17, the Argo CD-managed Rollout whose template lives in a Deployment (`workloadRef`), end
 * to end through the CLI against the sandbox over HTTPS. The eu-west search indexer: Argo CD
 * deploys the Deployment and the Rollout from git with auto-sync and self-heal, and ignores the
 * Deployment's `/spec/replicas` (with `RespectIgnoreDifferences=true`), which the Rollout's
 * `scaleDown: onsuccess` holds at 0. Scenario `rollouts-workloadref-argocd`: CI pins a bad digest,
 * the team promotes it in full. rewind holds self-heal, undoes through the Deployment (which Argo CD
 * also diffs), and the Pods stay on the good digest over many controller passes while git still
 * names the bad one; then the revert lands and auto-sync comes back exactly as it was.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind } from './cli.ts';
import { until } from '../../src/testing/until.ts';

const NS = 'bookstore-platform-acme-books';
const APP = 'bookstore-search-indexer-eu-west';
const NAME = 'search-indexer';
const run = promisify(execFile);

interface StepJson { kind: string; status: string; title: string; evidence: string[] }
interface RunJson { runId: string; status: string; runStatus: string; mechanism: string; steps: StepJson[] }
interface PlanJson { decision: string; mechanism: string; reasons: string[]; warnings: string[]; steps: StepJson[] }
interface StatusJson { gitops?: string; sync: string; health: string; hold: unknown; rollout?: { phase?: string; workloadRef?: { kind: string; name: string; scaleDown?: string } } }
interface RolloutJson { metadata: { annotations?: Record<string, string> }; status: { phase?: string; stableRS?: string; currentPodHash?: string; workloadObservedGeneration?: string } }
interface DeploymentJson { spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } } }
interface PodJson { items: { metadata: { labels: Record<string, string> }; status: { containerStatuses?: { imageID: string }[] } }[] }
interface ApplicationJson { spec: { syncPolicy?: unknown; ignoreDifferences?: unknown }; status: { reconciledAt?: string; sync: { status: string } } }

let sb: SandboxProcess;
const cli = (args: readonly string[], env: Record<string, string> = {}) => rewind(args, { env: { REWIND_CONFIG: sb.configFile, ...env } });
const parse = <T>(text: string): T => JSON.parse(text) as T;
const kubectl = async (context: string, ...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', context, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;
const rollout = async (): Promise<RolloutJson> => parse<RolloutJson>(await kubectl('eu-west', '-n', NS, 'get', 'rollout', NAME, '-o', 'json'));
const deployment = async (): Promise<DeploymentJson> => parse<DeploymentJson>(await kubectl('eu-west', '-n', NS, 'get', 'deployment', NAME, '-o', 'json'));
/** Argo CD runs in us-east; its kube API serves the Applications, as a real one does. */
const application = async (): Promise<ApplicationJson> => parse<ApplicationJson>(await kubectl('us-east', '-n', 'argocd', 'get', 'application', APP, '-o', 'json'));
const image = (d: DeploymentJson): string => d.spec.template.spec.containers.find((c) => c.name === NAME)?.image ?? '';
const stable = (r: RolloutJson): boolean => r.status.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && r.status.workloadObservedGeneration === r.metadata.annotations?.['rollout.argoproj.io/workload-generation'];
const step = (doc: { steps: StepJson[] }, kind: string): StepJson => {
  const s = doc.steps.find((x) => x.kind === kind);
  assert.ok(s, `no ${kind} step in ${doc.steps.map((x) => x.kind).join(', ')}`);
  return s;
};
/** The digests every Pod of the indexer runs, the Deployment's own included (there should be none). */
async function runningDigests(): Promise<string[]> {
  const pods = parse<PodJson>(await kubectl('eu-west', '-n', NS, 'get', 'pods', '-l', `app=${NAME}`, '-o', 'json'));
  return [...new Set(pods.items.flatMap((p) => (p.status.containerStatuses ?? []).map((c) => c.imageID.replace(/^.*@/, ''))))].sort();
}

let good = '';
before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  // Argo CD deploys it once the sandbox runs (the sandbox seeds only the commit and the Application).
  await until('the eu-west indexer Rollout Healthy, the Deployment scaled to 0, the app Synced', async () => {
    const [r, d, a] = await Promise.all([rollout(), deployment(), application()]);
    return stable(r) && d.spec.replicas === 0 && a.status.sync.status === 'Synced';
  });
  good = image(await deployment());
});
after(async () => {
  await sb?.stop();
});

test('rollouts-workloadref-argocd: undo through the Deployment under held self-heal; the Pods stay on the good digest while git is bad; the revert lands and auto-sync comes back exactly', async () => {
  const before0 = await application();
  assert.equal(before0.status.sync.status, 'Synced', 'the Deployment at 0 is no drift: the app ignores its replicas');
  assert.equal((await deployment()).spec.replicas, 0, 'scaleDown onsuccess held it at 0, and Argo CD left it there');
  const s0 = parse<StatusJson>((await cli(['status', APP, '-o', 'json'])).stdout);
  assert.deepEqual(s0.rollout?.workloadRef, { kind: 'Deployment', name: NAME, scaleDown: 'onsuccess' });
  const goodDigests = await runningDigests();
  assert.equal(goodDigests.length, 1);

  const brk = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'rollouts-workloadref-argocd', '-o', 'json']);
  assert.equal(brk.code, 0, brk.stderr + brk.stdout);
  await until('the bad version fully promoted', async () => {
    const [r, d] = await Promise.all([rollout(), deployment()]);
    return stable(r) && image(d) !== good;
  });
  const bad = image(await deployment());
  assert.notDeepEqual(await runningDigests(), goodDigests);
  assert.equal((await deployment()).spec.replicas, 0, 'the release\'s sync kept the live replicas (RespectIgnoreDifferences)');

  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  assert.deepEqual(plan.steps.map((s) => s.kind), [
    'argocd.write-hold', 'argocd.disable-auto-sync', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics',
    'followup.revert', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
  ]);
  assert.match(step(plan, 'rollouts.undo').title, /\/spec\/template of Deployment search-indexer \(the Rollout's workloadRef\)/);
  assert.ok(plan.reasons.some((r) => /the undo patches Deployment search-indexer .* tracks in git too: auto-sync is held first/.test(r)), plan.reasons.join('\n'));
  assert.deepEqual(plan.warnings.filter((w) => w.includes('/spec/replicas')), [], 'the app ignores the replicas and respects that on sync: nothing to warn about');

  // Killed right after the Pods were verified: self-heal is held, git still names the bad digest.
  const crashed = await cli(['rollback', APP, '--yes', '--reason', 'indexer blocks queries'], { REWIND_FAULT: 'crash:verify.digest:after' });
  assert.notEqual(crashed.code, 0, 'SIGKILLed after verify.digest');
  assert.equal(image(await deployment()), good, 'the undo patched the Deployment, where the template lives');
  const held = await application();
  assert.equal(held.status.sync.status, 'OutOfSync', 'git still names the bad digest');
  // Many controller passes (reconcile every 3 sandbox seconds): nothing puts the bad template back.
  const start = Date.parse(held.status.reconciledAt ?? '');
  assert.ok(Number.isFinite(start), 'Argo CD stamps each reconcile');
  for (let seen = 0; seen < 5; ) {
    const [a, d, digests] = await Promise.all([application(), deployment(), runningDigests()]);
    assert.equal(image(d), good, 'self-heal is held: the Deployment keeps the good template');
    assert.deepEqual(digests, goodDigests, 'every Pod stays on the good digest');
    assert.equal(d.spec.replicas, 0);
    const at = Date.parse(a.status.reconciledAt ?? '');
    if (at >= start + (seen + 1) * 6_000) seen++;
  }

  const [open] = parse<{ runId: string }[]>((await cli(['runs', APP, '--open', '-o', 'json'])).stdout);
  assert.ok(open, 'the crashed run is open');
  const resumed = await cli(['resume', open.runId, '-o', 'json']);
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  const result = parse<RunJson>(resumed.stdout);
  assert.equal(result.runStatus, 'finished');
  assert.deepEqual(result.steps.map((s) => [s.kind, s.status]).filter(([k]) => k !== 'verify.metrics'), [
    ['argocd.write-hold', 'succeeded'], ['argocd.disable-auto-sync', 'succeeded'], ['rollouts.undo', 'succeeded'], ['rollouts.promote-full', 'succeeded'], ['rollouts.wait-stable', 'succeeded'], ['verify.digest', 'succeeded'],
    ['followup.revert', 'succeeded'], ['followup.await-revert', 'succeeded'], ['argocd.await-branch-head', 'succeeded'], ['argocd.restore-sync-policy', 'succeeded'], ['argocd.wait-synced-to-branch', 'succeeded'], ['argocd.release-hold', 'succeeded'],
  ]);
  assert.match(step(result, 'rollouts.undo').evidence.join('\n'), /kubernetes PATCH deployments\/search-indexer \(json\) replace \/spec\/template from search-indexer-\w+ \(the Rollout's workloadRef\)/);

  await until('Synced to the revert, the Rollout Healthy on the good digest', async () => {
    const [a, r, d] = await Promise.all([application(), rollout(), deployment()]);
    return a.status.sync.status === 'Synced' && stable(r) && image(d) === good;
  });
  const after0 = await application();
  assert.deepEqual(after0.spec.syncPolicy, before0.spec.syncPolicy, 'auto-sync, self-heal and the sync options exactly as before');
  assert.deepEqual(after0.spec.ignoreDifferences, before0.spec.ignoreDifferences);
  assert.notEqual(image(await deployment()), bad);
  assert.equal((await deployment()).spec.replicas, 0, 'the revert\'s sync kept the replicas at 0: no Pods of the Deployment\'s own');
  assert.deepEqual(await runningDigests(), goodDigests);
  const s1 = parse<StatusJson>((await cli(['status', APP, '-o', 'json'])).stdout);
  assert.equal(s1.hold, null, 'the hold is given back');
  // The people's part as the crash campaign plays it: the sandbox's CI knows this app's repo too.
  const gone = await cli(['sandbox', 'revert', APP, '--dir', sb.dir, '--revision', '0000000000000000000000000000000000000000']);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr + gone.stdout, /is not in the config repo/);
});

test('without the ignore rule, self-heal scales the Deployment back up and, past revision 1, the Rollout never scales it down: its own Pods stay; the plan says what to set', async () => {
  const ownPods = async (): Promise<number> => parse<PodJson>(await kubectl('eu-west', '-n', NS, 'get', 'pods', '-l', `app=${NAME}`, '-o', 'json')).items.filter((p) => !p.metadata.labels['rollouts-pod-template-hash']).length;
  assert.equal(await ownPods(), 0);
  await kubectl('us-east', '-n', 'argocd', 'patch', 'application', APP, '--type', 'merge', '-p', '{"spec":{"ignoreDifferences":null}}');
  await until('self-heal scaled the Deployment back to git\'s replicas', async () => (await deployment()).spec.replicas === 4);
  await until('the Deployment\'s own Pods run', async () => (await ownPods()) === 4);
  const start = Date.parse((await application()).status.reconciledAt ?? '');
  assert.ok(Number.isFinite(start));
  await until('several controller passes later', async () => Date.parse((await application()).status.reconciledAt ?? '') >= start + 15_000);
  assert.equal((await deployment()).spec.replicas, 4, 'the Rollout (revision > 1) does not scale it down again (rollout/sync.go)');
  assert.equal(await ownPods(), 4);
  assert.ok(stable(await rollout()), 'the Rollout itself is unaffected');

  const brk = await cli(['sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'rollouts-workloadref-argocd']);
  assert.equal(brk.code, 0, brk.stderr + brk.stdout);
  await until('the bad version fully promoted', async () => {
    const [r, d] = await Promise.all([rollout(), deployment()]);
    return stable(r) && image(d) !== good;
  });
  const p = await cli(['plan', APP, '-o', 'json']);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  const plan = parse<PlanJson>(p.stdout);
  assert.equal(plan.mechanism, 'argo-rollouts');
  const [w, ...more] = plan.warnings.filter((x) => x.includes('/spec/replicas'));
  assert.equal(more.length, 0, plan.warnings.join('\n'));
  assert.match(w ?? '', /bookstore-search-indexer-eu-west does not ignore \/spec\/replicas of Deployment bookstore-platform-acme-books\/search-indexer/);
  assert.match(w ?? '', /Set on the Application: ignoreDifferences: \[\{group: apps, kind: Deployment, name: search-indexer, jsonPointers: \[\/spec\/replicas\]\}\] and syncOptions: \[RespectIgnoreDifferences=true\]/);
});
