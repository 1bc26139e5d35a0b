import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResult } from '../../core/metrics.ts';
import { createSandboxClock } from '../clock.ts';
import { collectGarbage } from '../kube/garbage-collector.ts';
import { imageRuntimeFrom, Kubelet } from '../kube/kubelet.ts';
import { ClusterRegistry } from '../kube/registry.ts';
import { syncReplicaSets } from '../kube/replicaset-controller.ts';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../kube/resources.ts';
import type { Deployment, Pod, ReplicaSet } from '../kube/types.ts';
import { warpable } from '../world/warp-clock.ts';
import { syncArgoRollouts } from './index.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, ROLLOUTS } from './resource-types.ts';
import { ROLLOUT_HASH, type AnalysisRun, type Rollout, type RolloutSpec } from './types.ts';

const NS = 'default';
const vec = (v: number): QueryResult => ({ kind: 'vector', series: [{ labels: {}, sample: { t: 0, v } }] });

/** One cluster driven by hand: 200 ms sandbox ticks of every controller; the p99 the analysis sees is `p99.value`. */
function cluster() {
  const clock = warpable(createSandboxClock({ speed: 1e-9, start: new Date('2026-05-20T14:00:00Z') }));
  const registry = new ClusterRegistry('us-east', clock);
  const kubelet = new Kubelet(registry, imageRuntimeFrom(() => 'ok'));
  const p99 = { value: 0.2, queries: [] as string[] };
  const tick = (): void => {
    clock.advance(200);
    collectGarbage(registry);
    syncArgoRollouts(registry, (q) => (p99.queries.push(q), vec(p99.value)));
    syncReplicaSets(registry);
    kubelet.sync();
  };
  const ro = (): Rollout => registry.get(ROLLOUTS, NS, 'catalog') as Rollout;
  const rsByImage = (image: string): ReplicaSet | undefined =>
    (registry.store.list(REPLICASETS, NS) as ReplicaSet[]).find((rs) => rs.spec.template.spec?.containers?.[0]?.image === image);
  /** Ticks until `done` holds, at most `maxMs` of sandbox time; fails with what it last saw. */
  const until = (what: string, done: () => boolean, maxMs = 300_000): void => {
    for (let t = 0; t < maxMs; t += 200) {
      if (done()) return;
      tick();
    }
    assert.fail(`${what}: not reached in ${maxMs} ms; rollout status ${JSON.stringify(ro().status)}`);
  };
  const patchStatus = (patch: Record<string, unknown>): void => {
    const r = ro();
    registry.update(ROLLOUTS, NS, 'catalog', { ...r, status: { ...r.status, ...patch } }, 'status');
  };
  const setImage = (image: string): void => {
    const r = ro();
    const spec = structuredClone(r.spec);
    spec.template!.spec!.containers![0]!.image = image;
    registry.update(ROLLOUTS, NS, 'catalog', { ...r, spec });
  };
  return { clock, registry, tick, until, ro, rsByImage, patchStatus, setImage, p99 };
}

const spec = (extra: Partial<RolloutSpec> = {}): RolloutSpec => ({
  replicas: 5,
  selector: { matchLabels: { app: 'catalog' } },
  template: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'catalog', image: 'catalog:1' }] } },
  strategy: {
    canary: {
      steps: [
        { setWeight: 20 },
        { pause: {} },
        { analysis: { templates: [{ templateName: 'p99' }], args: [{ name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } },
        { setWeight: 50 },
        { pause: { duration: '30s' } },
      ],
    },
  },
  ...extra,
});

function withTemplate(c: ReturnType<typeof cluster>): void {
  c.registry.create(ANALYSIS_TEMPLATES, NS, {
    metadata: { name: 'p99' },
    spec: {
      args: [{ name: 'hash' }],
      metrics: [{ name: 'p99', interval: '10s', count: 2, successCondition: 'result[0] < 0.5', provider: { prometheus: { address: 'https://prom', query: 'p99{hash="{{args.hash}}"}' } } }],
    },
  });
}

const replicasOf = (rs: ReplicaSet | undefined): number => rs?.spec.replicas ?? -1;

test('a canary walks its steps: 20% → paused → analysis → 50% → 30s → promoted', () => {
  const c = cluster();
  withTemplate(c);
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: spec() });
  c.until('initial deploy healthy', () => c.ro().status?.phase === 'Healthy');
  const first = c.ro().status!;
  assert.equal(first.stableRS, first.currentPodHash);
  assert.equal(first.currentStepIndex, 5, 'the first deploy skips the steps');
  const stable = c.rsByImage('catalog:1')!;
  assert.equal(stable.metadata.name, `catalog-${first.stableRS}`);
  assert.equal(stable.metadata.labels?.[ROLLOUT_HASH], first.stableRS);
  assert.equal(stable.metadata.annotations?.['rollout.argoproj.io/revision'], '1');

  c.setImage('catalog:2');
  c.until('paused at the pause step', () => c.ro().status?.phase === 'Paused');
  const s = c.ro().status!;
  assert.deepEqual({ index: s.currentStepIndex, message: s.message, reasons: s.pauseConditions?.map((p) => p.reason), controllerPause: s.controllerPause }, { index: 1, message: 'CanaryPauseStep', reasons: ['CanaryPauseStep'], controllerPause: true });
  // 5 replicas at 20%: 1 canary, 4 stable (hand-computed in canary-replicas.test.ts).
  assert.deepEqual([replicasOf(c.rsByImage('catalog:2')), replicasOf(c.rsByImage('catalog:1'))], [1, 4]);
  assert.deepEqual(s.canary?.weights?.canary, { podTemplateHash: s.currentPodHash, weight: 20 });
  assert.equal(c.rsByImage('catalog:2')!.metadata.annotations?.['rollout.argoproj.io/revision'], '2');

  // An indefinite pause stays until someone resumes it.
  for (let i = 0; i < 100; i++) c.tick();
  assert.equal(c.ro().status?.currentStepIndex, 1);

  c.patchStatus({ pauseConditions: null });
  c.until('the analysis run exists', () => c.registry.store.list(ANALYSIS_RUNS, NS).length === 1);
  const run = c.registry.store.list(ANALYSIS_RUNS, NS)[0] as AnalysisRun;
  const hash = c.ro().status!.currentPodHash!;
  assert.equal(run.metadata.name, `catalog-${hash}-2-2`);
  assert.deepEqual({ type: run.metadata.labels?.['rollout-type'], step: run.metadata.labels?.['step-index'] }, { type: 'Step', step: '2' });
  assert.deepEqual(run.spec.args, [{ name: 'hash', value: hash }]);
  c.until('50%', () => c.ro().status?.currentStepIndex === 4);
  assert.deepEqual(new Set(c.p99.queries), new Set([`p99{hash="${hash}"}`]), 'measured, and only with the canary\'s hash');
  assert.equal((c.registry.get(ANALYSIS_RUNS, NS, run.metadata.name) as AnalysisRun).status?.phase, 'Successful');
  // 50% of 5 with a surge Pod: 3 and 3.
  c.until('3 and 3', () => replicasOf(c.rsByImage('catalog:2')) === 3 && replicasOf(c.rsByImage('catalog:1')) === 3);
  const pausedAt = c.clock.now().getTime();
  c.until('promoted', () => c.ro().status?.stableRS === hash);
  assert.ok(c.clock.now().getTime() - pausedAt >= 30_000, 'the 30s pause was waited for');
  c.until('healthy on the new version', () => c.ro().status?.phase === 'Healthy');
  assert.deepEqual([replicasOf(c.rsByImage('catalog:2')), replicasOf(c.rsByImage('catalog:1'))], [5, 0]);
});

test('a failing analysis aborts by itself: traffic back to stable, Degraded; retry runs it again; promote-full skips the rest', () => {
  const c = cluster();
  withTemplate(c);
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: spec() });
  c.until('initial deploy healthy', () => c.ro().status?.phase === 'Healthy');
  c.setImage('catalog:2');
  c.until('paused', () => c.ro().status?.phase === 'Paused');
  c.p99.value = 1.4;
  c.patchStatus({ pauseConditions: null });
  c.until('aborted', () => c.ro().status?.abort === true);
  let s = c.ro().status!;
  assert.equal(s.phase, 'Degraded');
  assert.equal(s.message, 'RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error/failed: Metric "p99" assessed Failed due to failed (1) > failureLimit (0): successCondition "result[0] < 0.5" is false for [1.4]');
  assert.ok(s.abortedAt);
  assert.equal(s.currentStepIndex, 0);
  c.until('canary scaled down', () => replicasOf(c.rsByImage('catalog:2')) === 0 && replicasOf(c.rsByImage('catalog:1')) === 5);
  const abortedAt = c.ro().status!.abortedAt;
  for (let i = 0; i < 20; i++) c.tick();
  assert.equal(c.ro().status!.abortedAt, abortedAt, 'abortedAt keeps the first abort');
  assert.deepEqual(c.ro().status!.canary?.weights?.canary.weight, 0);

  // retry: {"status":{"abort":false}} — the steps start over, the analysis runs again (a `.1` run).
  c.p99.value = 0.2;
  c.patchStatus({ abort: false });
  c.until('paused again', () => c.ro().status?.phase === 'Paused');
  assert.equal(c.ro().status!.abortedAt, undefined);
  c.patchStatus({ pauseConditions: null });
  const hash = c.ro().status!.currentPodHash!;
  c.until('a second run', () => c.registry.store.get(ANALYSIS_RUNS, NS, `catalog-${hash}-2-2.1`) !== undefined);

  // promote-full: {"status":{"promoteFull":true}} skips what is left.
  c.patchStatus({ promoteFull: true });
  c.until('promoted', () => c.ro().status?.stableRS === hash && c.ro().status?.phase === 'Healthy');
  s = c.ro().status!;
  assert.equal(s.currentStepIndex, 5);
  assert.equal(s.promoteFull, undefined);
});

/** v1 → v2 → v3, each promoted in full, two sandbox seconds apart (ReplicaSets are ordered by creation time). */
function threeVersions(): ReturnType<typeof cluster> {
  const c = cluster();
  withTemplate(c);
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: spec({ rollbackWindow: { revisions: 1 } }) });
  c.until('v1', () => c.ro().status?.phase === 'Healthy');
  for (const image of ['catalog:2', 'catalog:3']) {
    c.clock.advance(2000);
    c.setImage(image);
    c.until(`${image} started`, () => c.ro().status?.currentPodHash === c.rsByImage(image)?.metadata.labels?.[ROLLOUT_HASH]);
    c.patchStatus({ promoteFull: true });
    c.until(`${image} healthy`, () => c.ro().status?.phase === 'Healthy' && c.ro().status?.stableRS === c.ro().status?.currentPodHash);
  }
  c.clock.advance(2000);
  return c;
}

test('rollbackWindow: an undo with fewer newer ReplicaSets than the window skips the steps and the analysis', () => {
  const c = threeVersions();
  // catalog:2 -> nothing was created between it and the stable catalog:3: inside a window of 1.
  c.setImage('catalog:2');
  const hash = (): string | undefined => c.rsByImage('catalog:2')?.metadata.labels?.[ROLLOUT_HASH];
  c.until('v2 again', () => c.ro().status?.phase === 'Healthy' && c.ro().status?.stableRS === hash());
  assert.equal(c.registry.store.list(ANALYSIS_RUNS, NS).length, 0);
  assert.ok(!c.ro().status?.pauseConditions, 'it never paused');
  assert.equal(c.rsByImage('catalog:2')!.metadata.annotations?.['rollout.argoproj.io/revision'], '4', 'the reused ReplicaSet gets the next revision');
});

test('rollbackWindow: an undo past the window walks the steps again', () => {
  const c = threeVersions();
  // catalog:1 -> catalog:2 sits between it and the stable catalog:3: outside a window of 1.
  c.setImage('catalog:1');
  c.until('v1 paused at 20%', () => c.ro().status?.phase === 'Paused');
  assert.equal(c.ro().status!.currentStepIndex, 1);
  assert.deepEqual([replicasOf(c.rsByImage('catalog:1')), replicasOf(c.rsByImage('catalog:3'))], [1, 4]);
});

test('workloadRef: the template comes from the Deployment; a missing AnalysisTemplate is InvalidSpec', () => {
  const c = cluster();
  c.registry.create(DEPLOYMENTS, NS, { metadata: { name: 'catalog' }, spec: { replicas: 0, selector: { matchLabels: { app: 'catalog' } }, template: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'catalog', image: 'catalog:7' }] } } } });
  const s = spec();
  delete s.template;
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: { ...s, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog' } } });
  c.until('InvalidSpec', () => c.ro().status?.phase === 'Degraded');
  assert.equal(c.ro().status!.message, `InvalidSpec: The Rollout "catalog" is invalid: spec.strategy.canary.steps[2].analysis.templates: Invalid value: "p99": AnalysisTemplate 'p99' not found`);
  withTemplate(c);
  c.until('healthy from the Deployment', () => c.ro().status?.phase === 'Healthy');
  assert.equal(replicasOf(c.rsByImage('catalog:7')), 5);
  assert.equal(c.ro().metadata.annotations?.['rollout.argoproj.io/workload-generation'], '1');
  // A new template on the Deployment (what the plugin's undo patches through workloadRef) is a new canary.
  const d = c.registry.get(DEPLOYMENTS, NS, 'catalog') as Deployment;
  const template = structuredClone(d.spec.template);
  template.spec!.containers![0]!.image = 'catalog:8';
  c.registry.update(DEPLOYMENTS, NS, 'catalog', { ...d, spec: { ...d.spec, template } });
  c.until('catalog:8 paused at 20%', () => c.ro().status?.phase === 'Paused');
  assert.deepEqual([replicasOf(c.rsByImage('catalog:8')), replicasOf(c.rsByImage('catalog:7'))], [1, 4]);
  assert.equal(c.ro().metadata.annotations?.['rollout.argoproj.io/workload-generation'], '2');
});

test('workloadRef: a Rollout that also carries a template is InvalidSpec; scaleDown onsuccess scales the Deployment to 0 once revision 1 is Healthy, and only then', () => {
  const c = cluster();
  withTemplate(c);
  c.registry.create(DEPLOYMENTS, NS, { metadata: { name: 'catalog' }, spec: { replicas: 3, selector: { matchLabels: { app: 'catalog' } }, template: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'catalog', image: 'catalog:7' }] } } } });
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog', scaleDown: 'onsuccess' as const };
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: { ...spec(), workloadRef: ref } });
  c.until('InvalidSpec', () => c.ro().status?.phase === 'Degraded');
  assert.equal(c.ro().status!.message, 'InvalidSpec: template must be empty for workload reference rollout');
  const deployment = (): Deployment => c.registry.get(DEPLOYMENTS, NS, 'catalog') as Deployment;
  assert.equal(deployment().spec.replicas, 3, 'an invalid Rollout scales nothing');

  const s = spec();
  delete s.template;
  const r = c.ro();
  c.registry.update(ROLLOUTS, NS, 'catalog', { ...r, spec: { ...s, workloadRef: ref } });
  c.until('revision 1 progressing', () => (c.ro().status?.availableReplicas ?? 0) > 0);
  assert.equal(deployment().spec.replicas, 3, 'not before the Rollout is Healthy');
  c.until('healthy, then the Deployment at 0', () => c.ro().status?.phase === 'Healthy' && deployment().spec.replicas === 0);
  assert.equal(c.ro().status?.workloadObservedGeneration, '1', 'the Deployment generation resolved, for Argo CD\'s health check');

  // Revision 2 comes from the Deployment's template; the Deployment stays at 0 (nothing scales it back).
  const d = deployment();
  const template = structuredClone(d.spec.template);
  template.spec!.containers![0]!.image = 'catalog:8';
  c.registry.update(DEPLOYMENTS, NS, 'catalog', { ...d, spec: { ...d.spec, template } });
  c.until('catalog:8 paused at 20%', () => c.ro().status?.phase === 'Paused');
  assert.equal(deployment().spec.replicas, 0);
  assert.equal(c.ro().status?.workloadObservedGeneration, String(deployment().metadata.generation ?? 0));
});

test('restartAt in the future, on a settled Rollout: nothing restarts before it; once it passes, every older Pod is replaced with no other write needed', () => {
  const c = cluster();
  c.registry.create(ROLLOUTS, NS, { metadata: { name: 'catalog' }, spec: spec({ strategy: { canary: {} } }) });
  c.until('healthy', () => c.ro().status?.phase === 'Healthy');
  const pods = (): Pod[] => c.registry.store.list(PODS, NS) as Pod[];
  const before = new Set(pods().map((p) => p.metadata.uid));
  const at = new Date(c.clock.now().getTime() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = c.ro();
  c.registry.update(ROLLOUTS, NS, 'catalog', { ...r, spec: { ...r.spec, restartAt: at } });
  for (let i = 0; i < 250; i++) c.tick(); // 50 s
  assert.deepEqual(new Set(pods().map((p) => p.metadata.uid)), before, 'no restart before restartAt');
  c.until('restarted', () => c.ro().status?.restartedAt === at);
  assert.ok(pods().length > 0 && pods().every((p) => !before.has(p.metadata.uid) && Date.parse(p.metadata.creationTimestamp ?? '') >= Date.parse(at)));
});
