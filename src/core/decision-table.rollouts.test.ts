/**
 * The decision table's Argo Rollouts rows (seed code-rollback-rollouts.md and the troubleshooting
 * row "Argo Rollouts rollback never triggers"): which plan each Rollout situation gets, its
 * channel, and the postmortem answer the plan carries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { Fact, defaultPolicy, type Facts } from './facts.ts';
import type { Plan } from './plan.ts';
import type { IgnoreDifferenceRule } from './domain.ts';
import type { AnalysisRunFact, RolloutFacts, RolloutReplicaSet } from './rollouts/rollout-facts.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { operatorPlan } from './rollouts/operator-plan.ts';
import { checkPlanStillValid } from './plan-staleness.ts';

const rs = (name: string, revision: number, image: string, replicas: number): RolloutReplicaSet => ({
  name: `catalog-${name}`, hash: name, revision, replicas, availableReplicas: replicas,
  images: [{ container: 'catalog', image }], digests: [`docker-pullable://${image}`],
});
const GOOD = 'ghcr.io/acme/catalog:1.4.2';
const BAD = 'ghcr.io/acme/catalog:1.5.0';
const STEPS: RolloutFacts['steps'] = [
  { kind: 'setWeight', weight: 20 }, { kind: 'pause' },
  { kind: 'analysis', templates: [{ name: 'catalog-p99', clusterScope: false }] },
  { kind: 'setWeight', weight: 60 }, { kind: 'pause', duration: '1m' },
];
const base: RolloutFacts = {
  name: 'catalog', namespace: 'bookstore-platform-acme-books', generation: 4, replicas: 5, abort: false, specPaused: false,
  pauseReasons: [], strategy: 'canary', steps: STEPS, replicaSets: [], analysisRuns: [], missingTemplates: [],
};
const failedRun: AnalysisRunFact = {
  name: 'catalog-bad-4-2', phase: 'Failed', type: 'step', stepIndex: 2, podHash: 'bad', revision: 4,
  metrics: [{ name: 'p99-latency', phase: 'Failed', provider: 'prometheus', successCondition: 'result[0] < 0.5', lastValue: '[2.01]', count: 1, failed: 1, inconclusive: 0, error: 0 }],
};

const canary = (over: Partial<RolloutFacts> = {}): RolloutFacts => ({
  ...base, phase: 'Paused', currentStepIndex: 1, canaryWeight: 20, pauseReasons: ['CanaryPauseStep'], stableHash: 'good', currentHash: 'bad',
  replicaSets: [rs('good', 3, GOOD, 4), rs('bad', 4, BAD, 1)], ...over,
});
const aborted = (): RolloutFacts => ({ ...canary(), phase: 'Degraded', abort: true, pauseReasons: [], message: 'RolloutAborted: Rollout aborted update to revision 4: Metric "p99-latency" assessed Failed', replicaSets: [rs('good', 3, GOOD, 5), rs('bad', 4, BAD, 0)], analysisRuns: [failedRun] });
const promoted = (over: Partial<RolloutFacts> = {}): RolloutFacts => ({
  ...base, phase: 'Healthy', currentStepIndex: 5, stableHash: 'bad', currentHash: 'bad', replicaSets: [rs('good', 3, GOOD, 0), rs('bad', 4, BAD, 5)], ...over,
});

const SOURCE = 'kubernetes GET us-east: rollouts/catalog';
const withRollout = (f: FakeFacts, r: RolloutFacts): Facts => ({ ...f.workloadKind('Rollout').build(), rollout: Fact.of(r, SOURCE) });
const kinds = (p: Plan): string[] => p.steps.map((s) => s.kind);
const rejected = (p: Plan, m: string): string => p.rejected.find((r) => r.mechanism === m)?.reason ?? '';
const why = (p: Plan): string => p.reasons.find((r) => r.startsWith('why Argo Rollouts did not roll back by itself: ')) ?? '';

describe('decision table: Argo Rollouts', () => {
  it('a bad canary in progress is aborted through Argo CD\'s action; git follows and the run stays open for it', () => {
    const plan = decide(withRollout(FakeFacts.seed().revertPolicy('push'), canary()), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), ['argocd.write-hold', 'rollouts.abort', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics', 'followup.revert', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.wait-synced-to-branch', 'argocd.release-hold']);
    assert.deepEqual(plan.steps[1]?.params, { canaryHash: 'bad', stableReplicaSet: 'catalog-good', channel: 'argocd' });
    assert.deepEqual(plan.steps.find((s) => s.kind === 'verify.digest')?.params, { expectedImages: [GOOD] });
    assert.deepEqual(plan.to, { kind: 'replicaset-revision', replicaSetRevision: 3, replicaSet: 'catalog-good', revision: '', historyId: null });
    assert.match(rejected(plan, 'argocd-rollback'), /argo-rollouts comes first/);
    assert.ok(!plan.warnings.some((w) => /paused/.test(w)), 'the Argo CD rollback\'s paused-workload warning is not this plan\'s');
  });

  it('without an Argo CD Application the abort goes through the Kubernetes API and nothing follows', () => {
    const plan = decide(withRollout(FakeFacts.seed().gitopsNone(), canary()), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.deepEqual(kinds(plan), ['rollouts.write-hold', 'rollouts.abort', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics', 'rollouts.release-hold']);
    assert.equal((plan.steps[1]?.params as { channel: string }).channel, 'kubernetes');
    assert.ok(plan.reasons.some((r) => /^channel: the Kubernetes API/.test(r)));
  });

  it('already aborted by its own analysis: nothing to mitigate, verify stable and make git agree', () => {
    const plan = decide(withRollout(FakeFacts.seed(), aborted()), defaultPolicy);
    assert.equal(plan.decision, 'rollback');
    assert.ok(!kinds(plan).includes('rollouts.abort'));
    assert.ok(!kinds(plan).includes('argocd.disable-auto-sync'));
    assert.deepEqual(kinds(plan).slice(0, 4), ['argocd.write-hold', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics']);
    assert.match(why(plan), /it did: the controller aborted the update \(RolloutAborted/);
  });

  it('a bad version fully promoted (image only) is undone with self-heal held, and the saved policy comes back after the revert', () => {
    const plan = decide(withRollout(FakeFacts.seed(), promoted()), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.deepEqual(kinds(plan), [
      'argocd.write-hold', 'argocd.disable-auto-sync', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics',
      'followup.revert', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
    ]);
    assert.deepEqual(plan.steps[2]?.params, { replicaSet: 'catalog-good', revision: 3 });
    assert.match(why(plan), /no AnalysisRun was created for revision 4 although step 2 is an analysis/);
  });

  it('fully promoted with manual sync: no auto-sync to hold, a sync to the branch after the revert', () => {
    const plan = decide(withRollout(FakeFacts.seed().autoSync(false), promoted()), defaultPolicy);
    assert.ok(!kinds(plan).includes('argocd.disable-auto-sync'));
    assert.ok(kinds(plan).includes('argocd.sync-to-branch'));
  });

  it('fully promoted but the bad commit changed more than the image: Argo CD\'s rollback, which restores every manifest', () => {
    const plan = decide(withRollout(FakeFacts.seed().changed('image-digest', 'config-only'), promoted()), defaultPolicy);
    assert.equal(plan.mechanism, 'argocd-rollback');
    assert.match(rejected(plan, 'argo-rollouts'), /changed image-digest, config-only, not only the Rollout's image/);
  });

  it('fully promoted with nothing older left: refused, with the reason', () => {
    const plan = decide(withRollout(FakeFacts.seed(), promoted({ replicaSets: [rs('bad', 4, BAD, 5)] })), defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons.join('\n'), /no older ReplicaSet is left to undo to/);
  });

  it('another run holds the app: refused like every mechanism', () => {
    const plan = decide(withRollout(FakeFacts.seed().heldBy('20240101-000000-other'), canary()), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.equal(plan.decision, 'refuse');
  });

  it('a Rollout rewind could not read, or a Deployment: the Argo CD rollback', () => {
    assert.match(rejected(decide(FakeFacts.seed().workloadKind('Rollout').build(), defaultPolicy), 'argo-rollouts'), /was not read/);
    assert.match(rejected(decide(FakeFacts.seed().build(), defaultPolicy), 'argo-rollouts'), /is not an Argo Rollout/);
  });

  it('blue-green is not driven: declined with the reason', () => {
    const plan = decide(withRollout(FakeFacts.seed(), canary({ strategy: 'blueGreen' })), defaultPolicy);
    assert.match(rejected(plan, 'argo-rollouts'), /strategy blueGreen: rewind drives canary Rollouts only/);
    assert.match(rejected(plan, 'argo-rollouts'), /by hand: `kubectl argo rollouts abort` while the preview is unpromoted, `kubectl argo rollouts undo` once promoted, with self-heal held first under Argo CD/);
  });
});

describe('decision table: "Argo Rollouts rollback never triggers" (the postmortem question, in the plan)', () => {
  it('no analysis step before the bad weight', () => {
    assert.match(why(decide(withRollout(FakeFacts.seed(), canary()), defaultPolicy)), /no analysis ran before the bad weight: the canary is at step 1 \(20% of traffic\), paused \(CanaryPauseStep\), and its first analysis is step 2/);
  });
  it('no analysis at all', () => {
    const steps: RolloutFacts['steps'] = [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }];
    assert.match(why(decide(withRollout(FakeFacts.seed(), canary({ steps })), defaultPolicy)), /has no analysis at all/);
  });
  it('an AnalysisTemplate missing (InvalidSpec)', () => {
    const r = canary({ missingTemplates: ['AnalysisTemplate catalog-p99'], invalidSpec: 'The Rollout "catalog" is invalid: spec.strategy.canary.steps[2].analysis.templates: Invalid value: "catalog-p99": AnalysisTemplate catalog-p99 not found' });
    assert.match(why(decide(withRollout(FakeFacts.seed(), r), defaultPolicy)), /the analysis cannot run: AnalysisTemplate catalog-p99 does not exist; InvalidSpec: /);
  });
  it('a query that returns nothing', () => {
    const run: AnalysisRunFact = { ...failedRun, phase: 'Running', metrics: [{ ...failedRun.metrics[0]!, phase: 'Error', lastValue: '[]', query: 'histogram_quantile(0.99, rate(x[5m]))', message: 'reflect: slice index out of range' }] };
    const r = canary({ currentStepIndex: 2, pauseReasons: [], phase: 'Progressing', analysisRuns: [run] });
    assert.match(why(decide(withRollout(FakeFacts.seed(), r), defaultPolicy)), /the analysis query returns nothing: catalog-bad-4-2 metric p99-latency measured \[\] \(Error: reflect: slice index out of range\) for histogram_quantile/);
  });
  it('a threshold the bad version did not cross, with the values', () => {
    const run: AnalysisRunFact = { ...failedRun, phase: 'Successful', metrics: [{ ...failedRun.metrics[0]!, phase: 'Successful', successCondition: 'result[0] < 2', lastValue: '[0.61]', failed: 0 }] };
    const r = promoted({ analysisRuns: [run] });
    assert.match(why(decide(withRollout(FakeFacts.seed(), r), defaultPolicy)), /did not cross the analysis threshold: catalog-bad-4-2 p99-latency = \[0.61\] against success "result\[0\] < 2" \(Successful\)/);
  });
  it('an older revision\'s run of a reused ReplicaSet is not this version\'s answer', () => {
    const r = promoted({ analysisRuns: [{ ...failedRun, revision: 2 }] });
    assert.match(why(decide(withRollout(FakeFacts.seed(), r), defaultPolicy)), /no AnalysisRun was created for revision 4/);
  });
});

describe('the operator\'s retry and promote (rewind rollouts retry|promote)', () => {
  it('retry an aborted update: hold, retry, release; promote a paused canary; anything else refused', () => {
    const retry = operatorPlan(withRollout(FakeFacts.seed(), aborted()), 'retry');
    assert.deepEqual([retry.decision, ...kinds(retry)], ['rollback', 'argocd.write-hold', 'rollouts.retry', 'argocd.release-hold']);
    assert.deepEqual(retry.steps[1]?.params, { canaryHash: 'bad', channel: 'argocd' });
    const full = operatorPlan(withRollout(FakeFacts.seed(), canary()), 'promote-full');
    assert.deepEqual(full.steps[1]?.params, { canaryHash: 'bad', full: true, channel: 'argocd' });
    assert.match(operatorPlan(withRollout(FakeFacts.seed(), canary()), 'retry').reasons.join(), /is not aborted \(Paused\): there is nothing to retry/);
    assert.match(operatorPlan(withRollout(FakeFacts.seed(), promoted()), 'promote').reasons.join(), /has no update in progress to promote/);
    assert.match(operatorPlan(withRollout(FakeFacts.seed(), aborted()), 'promote').reasons.join(), /it is aborted: retry it first/);
    assert.equal(operatorPlan(withRollout(FakeFacts.seed().openRun('20240101-000000-x', 'awaiting-revert'), aborted()), 'retry').decision, 'refuse');
    assert.deepEqual(kinds(operatorPlan(withRollout(FakeFacts.seed().gitopsNone(), aborted()), 'retry')), ['rollouts.write-hold', 'rollouts.retry', 'rollouts.release-hold']);
  });
});

describe('verification from the Rollout\'s own AnalysisTemplates', () => {
  const template = {
    name: 'catalog-p99', clusterScope: false, args: [{ name: 'canary-hash' }, { name: 'quantile', value: '0.99' }],
    metrics: [
      { name: 'p99', provider: 'prometheus', address: 'http://prometheus.monitoring:9090', query: 'histogram_quantile({{args.quantile}}, rate(x{pod=~"catalog-{{args.canary-hash}}-.*"}[1m]))', successCondition: 'result[0] < 0.5', interval: '30s', initialDelay: '1m', count: 3, failureLimit: 0 },
      { name: 'errors', provider: 'datadog', query: 'sum:errors{*}' },
    ],
  };
  const withTemplates = (over: Partial<RolloutFacts> = {}) => canary({ analysisTemplates: [template, { name: 'shared-errors', clusterScope: true, args: [], metrics: [{ name: 'rate', provider: 'prometheus', query: 'sum(rate(errors[1m]))', failureCondition: 'result[0] > 1' }] }], analysisArgs: [{ name: 'canary-hash', podTemplateHashValue: 'Latest' }], ...over });
  const metricsOf = (p: Plan) => (p.steps.find((s) => s.kind === 'verify.metrics')?.params as { metrics: { name: string; query: string; intervalMs?: number; initialDelayMs?: number; failureLimit?: number; inconclusiveLimit?: number; consecutiveSuccessLimit?: number }[]; origin: string });

  it('the app declares none: the templates\' Prometheus metrics, args substituted (the hash is the version returned to), ClusterAnalysisTemplates too; other providers not checked', () => {
    const plan = decide(withRollout(FakeFacts.seed(), withTemplates()), defaultPolicy);
    const v = metricsOf(plan);
    assert.equal(v.origin, 'rollout-analysis');
    assert.deepEqual(v.metrics.map((m) => m.name), ['catalog-p99/p99', 'shared-errors/rate']);
    assert.equal(v.metrics[0]?.query, 'histogram_quantile(0.99, rate(x{pod=~"catalog-good-.*"}[1m]))');
    assert.deepEqual([v.metrics[0]?.intervalMs, v.metrics[0]?.initialDelayMs, v.metrics[0]?.failureLimit, v.metrics[0]?.inconclusiveLimit, v.metrics[0]?.consecutiveSuccessLimit], [30_000, 60_000, 0, -1, 3]);
    assert.ok(plan.warnings.includes('not checked: AnalysisTemplate catalog-p99 metric errors: provider datadog (rewind measures Prometheus queries only)'), plan.warnings.join('\n'));
  });

  it('an arg without a value leaves its metric unchecked, never guessed', () => {
    const plan = decide(withRollout(FakeFacts.seed(), withTemplates({ analysisArgs: [] })), defaultPolicy);
    assert.deepEqual(metricsOf(plan).metrics.map((m) => m.name), ['catalog-p99/p99', 'shared-errors/rate'].slice(1));
    assert.ok(plan.warnings.some((w) => /catalog-p99 metric p99: arg canary-hash has no value/.test(w)));
  });

  it('the app\'s own verify.metrics win', () => {
    const facts = withRollout(FakeFacts.seed(), withTemplates());
    const own = { metrics: [{ name: 'mine', query: 'up', successCondition: 'result[0] == 1' }], requireMetrics: false, allowUnresolvedTags: false, origin: 'config' as const };
    const plan = decide({ ...facts, app: { ...facts.app, verify: own } }, defaultPolicy);
    assert.deepEqual(metricsOf(plan).metrics.map((m) => m.name), ['mine']);
    assert.ok(!plan.warnings.some((w) => w.startsWith('not checked: ')));
  });
});

describe('a Rollout an earlier rollback brought back', () => {
  it('is not "undone" to the newer release it rolled away from', () => {
    const good = { ...rs('good', 5, GOOD, 5), createdAt: '2026-05-01T00:00:00.000Z' };
    const bad = { ...rs('bad', 4, BAD, 0), createdAt: '2026-05-20T00:00:00.000Z' };
    const plan = decide(withRollout(FakeFacts.seed(), promoted({ stableHash: 'good', currentHash: 'good', replicaSets: [good, bad] })), defaultPolicy);
    assert.notEqual(plan.mechanism, 'argo-rollouts');
    assert.match(rejected(plan, 'argo-rollouts'), /which an earlier rollback brought back; the previous revision 4 \(catalog-bad\) is newer/);
  });
});

describe('decision table: Argo Rollouts no GitOps controller manages (gitops: none)', () => {
  const unmanaged = () => FakeFacts.seed().gitopsNone();
  it('a bad version fully promoted is undone under a hold on the Rollout: no self-heal to hold, no revert to wait for', () => {
    const plan = decide(withRollout(unmanaged(), promoted({ workloadRef: { kind: 'Deployment', name: 'catalog' } })), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), ['rollouts.write-hold', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics', 'rollouts.release-hold']);
    assert.deepEqual(plan.steps[0]?.params, { badRevision: 'catalog-bad' });
    assert.deepEqual(plan.steps[1]?.params, { replicaSet: 'catalog-good', revision: 3 });
    assert.deepEqual(plan.steps[2]?.params, { replicaSet: 'catalog-good', channel: 'kubernetes' });
    assert.match(plan.reasons.join('\n'), /which patches Deployment catalog \(the Rollout's workloadRef/);
    assert.match(plan.reasons.join('\n'), /no self-heal to hold and no revert to wait for/);
    assert.match(plan.steps[1]?.title ?? '', /\/spec\/template of Deployment catalog \(the Rollout's workloadRef\)/);
  });

  it('a bad canary is aborted under the same hold', () => {
    assert.deepEqual(kinds(decide(withRollout(unmanaged(), canary()), defaultPolicy)), ['rollouts.write-hold', 'rollouts.abort', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics', 'rollouts.release-hold']);
  });

  it('another run\'s hold on the Rollout, or an open run in this journal: refused, naming it', () => {
    const hold = { ok: true as const, hold: { runId: '20240101-000000-other', app: 'bookstore-catalog-us-east', actor: 'sam', host: 'laptop', at: '2024-01-01T00:00:00Z', badRevision: 'catalog-bad', saved: { syncPolicy: { automated: null } }, state: 'active' as const } };
    const held = decide(withRollout(unmanaged(), promoted({ hold })), defaultPolicy);
    assert.equal(held.decision, 'refuse');
    assert.match(held.reasons.join('\n'), /rollout bookstore-platform-acme-books\/catalog: .*20240101-000000-other/);
    const open = decide(withRollout(unmanaged().openRun('20240101-000000-x', 'failed'), canary()), defaultPolicy);
    assert.equal(open.decision, 'refuse');
    assert.match(open.reasons.join('\n'), /run 20240101-000000-x of .* is still open/);
  });

  it('held after its own undo (the state the holding run made): refused by the hold first, not by what the undo left', () => {
    // The crash campaign's rollouts-workloadref points: the run undid to revision 5 and crashed;
    // a second rewind read the rolled-back Rollout, whose "previous" is the bad release.
    const hold = { ok: true as const, hold: { runId: '20240101-000000-run', app: 'bookstore-catalog-us-east', actor: 'sam', host: 'laptop', at: '2024-01-01T00:00:00Z', badRevision: 'catalog-bad', saved: { syncPolicy: { automated: null } }, state: 'active' as const } };
    const good = { ...rs('good', 5, GOOD, 5), createdAt: '2026-05-01T00:00:00.000Z' };
    const bad = { ...rs('bad', 4, BAD, 0), createdAt: '2026-05-20T00:00:00.000Z' };
    const plan = decide(withRollout(unmanaged(), promoted({ stableHash: 'good', currentHash: 'good', replicaSets: [good, bad], hold })), defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons[0] ?? '', /^rollout bookstore-platform-acme-books\/catalog: held by run 20240101-000000-run/);
    assert.deepEqual(plan.steps, []);
    // The same for the Deployment's own undo (kubectl) and for an app this journal has open.
    const deployment = decide(unmanaged().rollout({ hold }).build(), defaultPolicy);
    assert.equal(deployment.decision, 'refuse');
    assert.match(deployment.reasons[0] ?? '', /^deployment .*: held by run 20240101-000000-run/);
    const journal = decide(FakeFacts.seed().openRun('20240101-000000-open', 'awaiting-revert').build(), defaultPolicy);
    assert.equal(journal.decision, 'refuse');
    assert.match(journal.reasons[0] ?? '', /run 20240101-000000-open of .* is still open \(awaiting-revert.*Next: rewind finish/);
  });

  it('already aborted: nothing to do; no older ReplicaSet: refused', () => {
    assert.equal(decide(withRollout(unmanaged(), aborted()), defaultPolicy).decision, 'noop');
    assert.equal(decide(withRollout(unmanaged(), promoted({ replicaSets: [rs('bad', 4, BAD, 5)] })), defaultPolicy).decision, 'refuse');
  });
});

describe('a saved Rollout plan (rollback --plan FILE) re-checked against live state', () => {
  const saved = decide(withRollout(FakeFacts.seed().gitopsNone(), promoted()), defaultPolicy);
  const stale = (r: RolloutFacts, f: FakeFacts = FakeFacts.seed().gitopsNone()) => checkPlanStillValid(saved, withRollout(f, r));

  it('records the Rollout as the plan saw it', () => {
    assert.deepEqual(saved.assumptions, { 'rollouts.stableHash': 'bad', 'rollouts.currentHash': 'bad', 'rollouts.phase': 'Healthy', 'rollouts.abort': false, 'rollouts.hold': null });
    assert.deepEqual(stale(promoted()), []);
  });

  it('refuses with what changed: hashes, phase, abort, a hold, the target ReplicaSet gone', () => {
    assert.deepEqual(stale(promoted({ currentHash: 'newer', phase: 'Paused' })), [
      'the Rollout now updates to another template: current pod hash bad -> newer',
      'the Rollout\'s phase changed: Healthy -> Paused',
    ]);
    assert.deepEqual(stale(promoted({ stableHash: 'good', currentHash: 'good' })), [
      'the Rollout\'s stable ReplicaSet changed: bad -> good',
      'the Rollout now updates to another template: current pod hash bad -> good',
    ]);
    assert.deepEqual(stale(promoted({ abort: true })), ['the Rollout was aborted since the plan was made']);
    const hold = { ok: true as const, hold: { runId: '20240101-000000-other', app: 'x', actor: 'sam', host: 'h', at: '2024-01-01T00:00:00Z', badRevision: 'catalog-bad', saved: { syncPolicy: { automated: null } }, state: 'active' as const } };
    assert.deepEqual(stale(promoted({ hold })), ['the Rollout is now held by run 20240101-000000-other']);
    assert.deepEqual(stale(promoted({ replicaSets: [rs('bad', 4, BAD, 5)] })), ['the target ReplicaSet catalog-good is gone from rollout catalog (revisionHistoryLimit)']);
  });

  it('an Argo CD app\'s Rollout plan checks both the Application and the Rollout', () => {
    const abort = decide(withRollout(FakeFacts.seed(), canary()), defaultPolicy);
    assert.equal(abort.assumptions['rollouts.phase'], 'Paused');
    assert.equal(abort.assumptions['argocd.latestHistoryId'], 42);
    assert.deepEqual(checkPlanStillValid(abort, withRollout(FakeFacts.seed(), canary({ phase: 'Progressing', pauseReasons: [] }))), ['the Rollout\'s phase changed: Paused -> Progressing']);
  });
});

describe('decision table: an Argo CD-managed Rollout whose template lives in a Deployment (workloadRef)', () => {
  const REF = { kind: 'Deployment', name: 'catalog', scaleDown: 'onsuccess' as const };
  const RULE: IgnoreDifferenceRule = { group: 'apps', kind: 'Deployment', name: 'catalog', jsonPointers: ['/spec/replicas'], jqPathExpressions: [] };
  const RESPECT = 'RespectIgnoreDifferences=true';
  const managed = (r: RolloutFacts, app: { ignoreDifferences?: IgnoreDifferenceRule[]; syncOptions?: string[] }): Facts => {
    const f = withRollout(FakeFacts.seed(), r);
    if (!('application' in f) || !f.application) throw new Error('seed facts carry an Application');
    return { ...f, application: Fact.of({ ...f.application.value, ...app }, f.application.source) };
  };
  const replicasWarning = (p: Plan): string[] => p.warnings.filter((w) => w.includes('/spec/replicas'));

  it('fully promoted, the app ignores the replicas and respects that on sync: the undo patches the Deployment under held self-heal, the revert and the saved policy follow', () => {
    const plan = decide(managed(promoted({ workloadRef: REF }), { ignoreDifferences: [RULE], syncOptions: [RESPECT] }), defaultPolicy);
    assert.equal(plan.mechanism, 'argo-rollouts');
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), [
      'argocd.write-hold', 'argocd.disable-auto-sync', 'rollouts.undo', 'rollouts.promote-full', 'rollouts.wait-stable', 'verify.digest', 'verify.metrics',
      'followup.revert', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
    ]);
    assert.match(plan.steps[2]?.title ?? '', /\/spec\/template of Deployment catalog \(the Rollout's workloadRef\)/);
    assert.match(plan.reasons.join('\n'), /the undo patches Deployment catalog \(the Rollout's workloadRef: the template lives there\), which bookstore-catalog-us-east tracks in git too: auto-sync is held first/);
    assert.deepEqual(replicasWarning(plan), []);
  });

  it('the app does not ignore the Deployment\'s replicas: the same plan, and a warning that self-heal and scaleDown fight, with what to set', () => {
    for (const ignoreDifferences of [undefined, [{ ...RULE, name: 'other' }], [{ ...RULE, jsonPointers: ['/spec/template'] }]]) {
      const plan = decide(managed(promoted({ workloadRef: REF }), { ...(ignoreDifferences ? { ignoreDifferences } : {}), syncOptions: [RESPECT] }), defaultPolicy);
      assert.equal(plan.decision, 'rollback');
      const [w, ...more] = replicasWarning(plan);
      assert.equal(more.length, 0);
      assert.match(w ?? '', /does not ignore \/spec\/replicas of Deployment bookstore-platform-acme-books\/catalog, which the Rollout's workloadRef scaleDown \(onsuccess\) sets to 0: Argo CD sees drift and self-heal scales it back up/);
      assert.match(w ?? '', /past revision 1 the Rollout never scales it down again \(argo-rollouts #4935\)/);
      assert.match(w ?? '', /Set on the Application: ignoreDifferences: \[\{group: apps, kind: Deployment, name: catalog, jsonPointers: \[\/spec\/replicas\]\}\] and syncOptions: \[RespectIgnoreDifferences=true\]/);
    }
  });

  it('ignored but not respected on sync: the revert\'s sync would scale the Deployment up; a rule in jq is said to be unread', () => {
    const plan = decide(managed(promoted({ workloadRef: REF }), { ignoreDifferences: [{ ...RULE, name: '' }] }), defaultPolicy);
    assert.match(replicasWarning(plan)[0] ?? '', /ignores \/spec\/replicas of Deployment .*\/catalog but does not sync with RespectIgnoreDifferences=true: every sync \(the revert's too\) applies git's replicas/);
    const jq = decide(managed(promoted({ workloadRef: REF }), { ignoreDifferences: [{ ...RULE, jsonPointers: [], jqPathExpressions: ['.spec.replicas'] }] }), defaultPolicy);
    assert.match(replicasWarning(jq)[0] ?? '', /\(a jq rule on it was not evaluated by rewind\)/);
  });

  it('scaleDown never (the Deployment keeps its Pods by choice), no workloadRef, or no Argo CD: no such warning', () => {
    assert.deepEqual(replicasWarning(decide(managed(promoted({ workloadRef: { kind: 'Deployment', name: 'catalog', scaleDown: 'never' } }), {}), defaultPolicy)), []);
    assert.deepEqual(replicasWarning(decide(managed(promoted({ workloadRef: { kind: 'Deployment', name: 'catalog' } }), {}), defaultPolicy)), []);
    assert.deepEqual(replicasWarning(decide(managed(promoted(), {}), defaultPolicy)), []);
    assert.deepEqual(replicasWarning(decide(withRollout(FakeFacts.seed().gitopsNone(), promoted({ workloadRef: REF })), defaultPolicy)), []);
  });

  it('a bad canary and an aborted one carry the warning too (the steady state is what fights)', () => {
    for (const r of [canary({ workloadRef: REF }), { ...aborted(), workloadRef: REF }]) {
      const plan = decide(managed(r, {}), defaultPolicy);
      assert.equal(plan.mechanism, 'argo-rollouts');
      assert.equal(replicasWarning(plan).length, 1);
    }
  });
});
