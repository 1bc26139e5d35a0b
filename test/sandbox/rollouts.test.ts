/**
 * Argo Rollouts in the sandbox, over HTTP only: the world's canary app (an Argo Rollout with a p99
 * AnalysisTemplate), its scenarios, the real kubectl, and Argo CD's health and resource actions
 * with RBAC. One sandbox at 20x; the stories run in order and each leaves the app Healthy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { digestOf } from '../../src/sandbox/world/images.ts';
import { argo, getApp, kubectl, mergePatch, waitFor } from './helpers.ts';

const APP = 'bookstore-catalog-canary-us-east';
const RO = 'catalog-canary';
const GOOD = digestOf('catalog', '1.4.2');
let sb: SandboxProcess;
/** The bad commit the last story left in git. */
let lastBreak = '';

interface RolloutJson {
  metadata: { annotations?: Record<string, string> };
  spec: { template: { metadata: { labels: Record<string, string> } } };
  status: {
    phase?: string;
    message?: string;
    abort?: boolean;
    abortedAt?: string;
    stableRS?: string;
    currentPodHash?: string;
    currentStepIndex?: number;
    pauseConditions?: { reason: string }[];
    canary?: { weights?: { canary: { weight: number } }; currentStepAnalysisRunStatus?: { name: string; status: string } };
  };
}

const rollout = async (): Promise<RolloutJson> => JSON.parse(await kubectl(sb, ['get', 'rollout', RO, '-o', 'json'])) as RolloutJson;
const health = async (): Promise<{ status: string; message?: string }> => (await getApp(sb, APP)).status.health;
/** `hash=replicas` of every ReplicaSet of the Rollout. */
const replicaSets = async (): Promise<Map<string, number>> => {
  const out = await kubectl(sb, ['get', 'rs', '-l', `app=${RO}`, '-o', 'jsonpath={range .items[*]}{.metadata.labels.rollouts-pod-template-hash}={.spec.replicas}{"\\n"}{end}']);
  return new Map(out.trim().split('\n').filter(Boolean).map((l) => [l.split('=')[0]!, Number(l.split('=')[1])]));
};
const resource = `namespace=bookstore-platform-acme-books&resourceName=${RO}&version=v1alpha1&group=argoproj.io&kind=Rollout`;
const runV2 = (action: string) =>
  argo(sb, 'POST', `/api/v1/applications/${APP}/resource/actions/v2`, { name: APP, namespace: 'bookstore-platform-acme-books', resourceName: RO, version: 'v1alpha1', group: 'argoproj.io', kind: 'Rollout', action });

before(async () => {
  sb = await startSandboxProcess({ speed: 20 });
  await waitFor('the canary app healthy', async () => (await health()).status === 'Healthy' && (await rollout()).status.phase === 'Healthy', 60_000);
});
after(async () => {
  await sb?.stop();
});

test('the seeded canary app: a Healthy Rollout with history, the real kubectl lists it', async () => {
  const ro = await rollout();
  assert.equal(ro.status.stableRS, ro.status.currentPodHash);
  assert.equal(ro.metadata.annotations?.['rollout.argoproj.io/revision'], '3', 'three releases, each promoted');
  assert.equal((await replicaSets()).size, 3);
  const table = await kubectl(sb, ['get', 'rollouts']);
  assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  assert.match(table, /^catalog-canary\s+5\s+5\s+5\s+5\s+\S+$/m);
  assert.match(await kubectl(sb, ['get', 'analysistemplates']), /^catalog-canary-p99\s/m);
  const digests = await kubectl(sb, ['get', 'pods', '-l', `app=${RO}`, '-o', 'jsonpath={.items[*].status.containerStatuses[?(@.name=="catalog")].imageID}']);
  assert.deepEqual([...new Set(digests.split(/\s+/).filter(Boolean).map((d) => d.slice(d.indexOf('@') + 1)))], [GOOD]);
});

test('rollouts-auto-aborted: the bad canary fails its own p99 analysis and the controller aborts it', async () => {
  const broke = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: APP, scenario: 'rollouts-auto-aborted' });
  assert.equal(broke.status, 200, JSON.stringify(broke.body));
  assert.deepEqual(broke.body['rollout'], { action: 'resume', paused: true });
  const ro = await waitFor('aborted by its analysis', async () => ((await rollout()).status.abort ? rollout() : undefined), 90_000);
  assert.equal(ro.status.phase, 'Degraded');
  assert.match(ro.status.message ?? '', /^RolloutAborted: Rollout aborted update to revision 4: Step-based analysis phase error\/failed: Metric "p99-latency" assessed Failed due to failed \(1\) > failureLimit \(0\)/);
  const runs = await kubectl(sb, ['get', 'analysisruns']);
  assert.match(runs, new RegExp(`^catalog-canary-${ro.status.currentPodHash}-4-2\\s+Failed\\s`, 'm'));
  const run = JSON.parse(await kubectl(sb, ['get', 'analysisrun', `catalog-canary-${ro.status.currentPodHash}-4-2`, '-o', 'json'])) as { status: { metricResults: { measurements: { value: string }[] }[] } };
  const measured = run.status.metricResults[0]!.measurements[0]!.value;
  const value = Number(/^\[(.+)\]$/.exec(measured)?.[1]);
  // NOTE: on a saturated machine a first measurement has read NaN (no request counted in the
  // window), which upstream also judges Failed; the regression itself reads above 0.5 s.
  assert.ok(value > 0.5 || measured === '[NaN]', `the canary's p99 (${measured}) is above the template's 0.5 s`);
  await waitFor('traffic back to stable', async () => {
    const rs = await replicaSets();
    return rs.get(ro.status.currentPodHash!) === 0 && rs.get(ro.status.stableRS!) === 5;
  });
  await waitFor('Argo CD: Degraded, with the controller\'s message', async () => {
    const h = await health();
    return h.status === 'Degraded' && /^RolloutAborted: /.test(h.message ?? '');
  });

  // Git agrees again: the revert renders the stable template, so the steps are skipped.
  const reverted = await argo(sb, 'POST', '/api/sandbox/v1/revert', { app: APP, revision: broke.body['revision'] });
  assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
  await waitFor('healthy on the stable version', async () => {
    const r = await rollout();
    return r.status.phase === 'Healthy' && r.status.currentPodHash === ro.status.stableRS && (await health()).status === 'Healthy';
  }, 60_000);
});

test('abort and retry through Argo CD (RBAC-gated) and through kubectl; resume and promote-full through Argo CD; undo inside rollbackWindow skips the steps', async () => {
  const broke = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: APP, scenario: 'rollouts-canary' });
  assert.equal(broke.status, 200, JSON.stringify(broke.body));
  lastBreak = String(broke.body['revision']);
  const paused = await rollout();
  assert.deepEqual({ phase: paused.status.phase, step: paused.status.currentStepIndex, weight: paused.status.canary?.weights?.canary.weight }, { phase: 'Paused', step: 1, weight: 20 });
  const bad = paused.status.currentPodHash!;
  const good = paused.status.stableRS!;
  assert.deepEqual([(await replicaSets()).get(bad), (await replicaSets()).get(good)], [1, 4]);
  await waitFor('Argo CD: Suspended', async () => (await health()).status === 'Suspended');

  const list = await argo(sb, 'GET', `/api/v1/applications/${APP}/resource/actions?${resource}`);
  assert.equal(list.status, 200);
  const enabled = (list.body['actions'] as { name: string; disabled: boolean }[]).filter((a) => !a.disabled).map((a) => a.name);
  assert.deepEqual(enabled, ['abort', 'pause', 'promote-full', 'restart', 'resume', 'skip-current-step']);

  // RBAC: a deny rule on the action, as argocd-rbac-cm would hold it.
  const policy = await argo(sb, 'PUT', '/api/sandbox/v1/rbac', { policy: 'p, admin, applications, action/argoproj.io/Rollout/abort, bookstore/*, deny' });
  assert.equal(policy.status, 200);
  const denied = await argo(sb, 'POST', `/api/v1/applications/${APP}/resource/actions?${resource}`, 'abort');
  assert.equal(denied.status, 403);
  assert.match(String(denied.body['message']), /^permission denied: applications, action\/argoproj.io\/Rollout\/abort, bookstore\/bookstore-catalog-canary-us-east/);
  assert.equal((await rollout()).status.abort, undefined, 'nothing was patched');
  assert.equal((await argo(sb, 'PUT', '/api/sandbox/v1/rbac', { policy: '' })).status, 200);

  // abort through Argo CD (the deprecated v1 route: the action is the body).
  const aborted = await argo(sb, 'POST', `/api/v1/applications/${APP}/resource/actions?${resource}`, 'abort');
  assert.equal(aborted.status, 200, JSON.stringify(aborted.body));
  await waitFor('aborted: canary down, Degraded', async () => {
    const r = await rollout();
    return r.status.abort === true && r.status.phase === 'Degraded' && (await replicaSets()).get(bad) === 0 && (await health()).status === 'Degraded';
  });
  // The same bad build as the story before: its ReplicaSet is reused and re-numbered (4, then 6).
  assert.equal((await rollout()).status.message, 'RolloutAborted: Rollout aborted update to revision 6');

  // retry through the Kubernetes API, with the plugin's patch on the status subresource.
  const pausedAgain = async (): Promise<boolean> => {
    const r = await rollout();
    return r.status.phase === 'Paused' && r.status.abort === undefined && (await replicaSets()).get(bad) === 1;
  };
  await kubectl(sb, ['patch', 'rollout', RO, '--subresource=status', '--type=merge', '-p', '{"status":{"abort":false}}']);
  await waitFor('paused again at 20%', pausedAgain);

  // abort through the Kubernetes API (the plugin's `abort`), retry through Argo CD (v2).
  await kubectl(sb, ['patch', 'rollout', RO, '--subresource=status', '--type=merge', '-p', '{"status":{"abort":true}}']);
  await waitFor('aborted again', async () => (await rollout()).status.abort === true && (await replicaSets()).get(bad) === 0);
  assert.equal((await runV2('retry')).status, 200);
  await waitFor('paused again after the Argo CD retry', pausedAgain);

  // resume through Argo CD: the analysis starts; promote-full through Argo CD skips the rest.
  assert.equal((await runV2('resume')).status, 200);
  await waitFor('the step analysis runs', async () => (await rollout()).status.canary?.currentStepAnalysisRunStatus?.name);
  assert.equal((await runV2('promote-full')).status, 200);
  await waitFor('the bad version fully promoted', async () => {
    const r = await rollout();
    return r.status.phase === 'Healthy' && r.status.stableRS === bad && (await replicaSets()).get(good) === 0;
  }, 60_000);
  const cancelled = await kubectl(sb, ['get', 'analysisruns', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.terminate}{"\\n"}{end}']);
  assert.match(cancelled, new RegExp(`^catalog-canary-${bad}-6-2 true$`, 'm'), 'promote-full cancelled the running analysis');

  // undo: what `kubectl argo rollouts undo` sends (the previous ReplicaSet's template), with
  // self-heal off first, or Argo CD would put the bad template back.
  assert.equal((await mergePatch(sb, APP, { spec: { syncPolicy: { automated: null } } })).status, 200);
  const previous = JSON.parse(await kubectl(sb, ['get', 'rs', `${RO}-${good}`, '-o', 'json'])) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  const template = structuredClone(previous.spec.template);
  delete template.metadata.labels['rollouts-pod-template-hash'];
  await kubectl(sb, ['patch', 'rollout', RO, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template', value: template }])]);
  // The good ReplicaSet is older than the bad stable, with none between: inside rollbackWindow (3).
  const undone = await waitFor('back on the good version', async () => {
    const r = await rollout();
    return r.status.phase === 'Healthy' && r.status.stableRS === good ? r : undefined;
  }, 60_000);
  assert.equal(undone.status.currentStepIndex, 5);
  assert.equal(undone.metadata.annotations?.['rollout.argoproj.io/revision'], '7', 'the reused ReplicaSet gets the next revision');
  assert.equal(undone.status.pauseConditions, undefined, 'no step paused it');
  const runs = await kubectl(sb, ['get', 'analysisruns', '-o', 'jsonpath={.items[*].metadata.name}']);
  assert.ok(!runs.split(/\s+/).some((n) => n.startsWith(`catalog-canary-${good}-7`)), `no analysis ran for the undo: ${runs}`);
});

test('rollouts-promoted: the bad version fully promoted, Healthy, every Pod on the bad digest', async () => {
  // Back to GitOps: auto-sync on, the last bad commit reverted.
  assert.equal((await mergePatch(sb, APP, { spec: { syncPolicy: { automated: { prune: true, selfHeal: true } } } })).status, 200);
  assert.equal((await argo(sb, 'POST', '/api/sandbox/v1/revert', { app: APP, revision: lastBreak })).status, 200);
  await waitFor('synced and healthy on the good version', async () => {
    const app = await getApp(sb, APP);
    return app.status.sync.status === 'Synced' && app.status.health.status === 'Healthy';
  }, 60_000);
  const broke = await argo(sb, 'POST', '/api/sandbox/v1/break', { app: APP, scenario: 'rollouts-promoted' });
  assert.equal(broke.status, 200, JSON.stringify(broke.body));
  assert.deepEqual(broke.body['rollout'], { action: 'promote-full', paused: true });
  const bad = String(broke.body['digest']);
  await waitFor('every Pod on the bad digest, Healthy', async () => {
    const r = await rollout();
    const ids = await kubectl(sb, ['get', 'pods', '-l', `app=${RO}`, '-o', 'jsonpath={.items[*].status.containerStatuses[?(@.name=="catalog")].imageID}']);
    const digests = [...new Set(ids.split(/\s+/).filter(Boolean).map((d) => d.slice(d.indexOf('@') + 1)))];
    return r.status.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && digests.length === 1 && digests[0] === bad && (await health()).status === 'Healthy';
  }, 60_000);
  // The older ReplicaSets went to zero: five Pods in all, as `replicas: 5` asks.
  const rs = await replicaSets();
  assert.equal([...rs.values()].reduce((a, b) => a + b, 0), 5);
});
