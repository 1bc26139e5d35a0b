import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../decide.ts';
import type { ArgoCdApiOutage} from '../../facts.ts';
import { defaultPolicy, Fact, type Facts, type Policy } from '../../facts.ts';
import type { Plan } from '../../plan.ts';
import { validatePlan } from '../../plan-validation.ts';
import { FakeFacts, SEED } from '../../../testing/fake-facts.ts';

/** Every branch the rollout-undo mechanism adds to the decision tree, as a table. */
interface Case {
  readonly title: string;
  readonly facts: FakeFacts;
  readonly policy?: Partial<Policy>;
  readonly decision: Plan['decision'];
  readonly mechanism: string | null;
  readonly steps?: readonly string[];
  readonly reason?: RegExp;
  readonly rejected?: Readonly<Record<string, RegExp>>;
  readonly toRevision?: number;
  readonly extra?: (plan: Plan) => void;
}

const UNDO_STEPS = ['kube.preflight', 'kube.write-hold', 'kube.rollout-undo', 'kube.wait-rollout', 'verify.digest', 'verify.metrics', 'kube.release-hold'];
const ARGO_UNDO = (revert: boolean, auto = true) => [
  'kube.preflight', 'argocd.write-hold', ...(auto ? ['argocd.disable-auto-sync'] : []), 'kube.rollout-undo', 'kube.wait-rollout', 'verify.digest', 'verify.metrics',
  ...(revert ? ['followup.revert'] : []), 'followup.await-revert', 'argocd.await-branch-head', auto ? 'argocd.restore-sync-policy' : 'argocd.sync-to-branch', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
];
const none = () => FakeFacts.seed().gitopsNone();
const hold = { runId: 'run-9', app: SEED.app, actor: 'bob', host: 'ci-3', at: '2026-05-20T14:00:13Z', badRevision: 'revision 5', saved: { syncPolicy: { automated: null } }, state: 'active' as const };

const cases: readonly Case[] = [
  {
    title: 'gitops: none proposes the undo to the previous revision, with the hold on the Deployment',
    facts: none(), decision: 'rollback', mechanism: 'rollout-undo', steps: UNDO_STEPS, toRevision: 4,
    reason: /no GitOps controller \(gitops: none\): kubectl rollout undo is the path/,
    rejected: { 'argocd-rollback': /has no Argo CD Application/ },
    extra: (plan) => {
      assert.deepEqual(plan.steps.find((s) => s.kind === 'verify.digest')?.params, { expectedImages: [SEED.goodImage] });
      assert.deepEqual(plan.to, { kind: 'replicaset-revision', replicaSetRevision: 4, replicaSet: 'catalog-4a4b4', revision: '', historyId: null });
    },
  },
  { title: '--to picks a ReplicaSet revision (kubectl --to-revision)', facts: none().requestTo(2), decision: 'rollback', mechanism: 'rollout-undo', toRevision: 2 },
  {
    title: 'a revision revisionHistoryLimit pruned is refused, saying what the limit kept and what would have kept it',
    facts: none().requestTo(1), decision: 'refuse', mechanism: 'rollout-undo',
    reason: /unable to find specified revision 1 in history of deployment "catalog": revisionHistoryLimit=10 keeps only the 10 newest old ReplicaSets, so revision 1 was pruned \(it keeps revisions 5, 4, 2\)/,
  },
  {
    title: 'nowhere to go (only the current ReplicaSet, history pruned) is refused with the limit named',
    facts: none().rollout({ revisions: [FakeFacts.rolloutHistory().revisions[0]!], revisionHistoryLimit: 0 }), decision: 'refuse', mechanism: 'rollout-undo',
    reason: /no rollout history found for deployment "catalog": revisionHistoryLimit=0 pruned every old ReplicaSet .*revision 4 would still be there/,
  },
  {
    title: 'a Deployment with one revision ever has nowhere to go',
    facts: none().rollout({ revisions: [{ ...FakeFacts.rolloutHistory().revisions[0]!, revision: 1 }] }), decision: 'refuse', mechanism: 'rollout-undo',
    reason: /only ever had one revision/,
  },
  {
    title: 'a paused Deployment is refused with kubectl\'s advice',
    facts: none().rollout({ paused: true }), decision: 'refuse', mechanism: 'rollout-undo',
    reason: /paused: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again/,
  },
  {
    title: 'a history read before the controller observed the newest template is refused: its numbers are the last rollout\'s',
    facts: none().rollout({ generation: 8, observedGeneration: 7 }), decision: 'refuse', mechanism: 'rollout-undo',
    reason: /has not observed generation 8 of deployment \S+ yet \(observedGeneration 7\).*kubectl rollout status deployment\/catalog/,
  },
  { title: 'a history the controller has observed is planned as before', facts: none().rollout({ generation: 8, observedGeneration: 8 }), decision: 'rollback', mechanism: 'rollout-undo', toRevision: 4 },
  {
    title: 'when the target template already runs, it is a noop with kubectl\'s words',
    facts: none().rollout({ revisions: FakeFacts.rolloutHistory().revisions.map((r) => ({ ...r, matchesCurrent: r.revision === 4 })) }),
    decision: 'noop', mechanism: 'rollout-undo', reason: /skipped rollback \(current template already matches revision 4\)/,
  },
  {
    title: 'another run\'s hold on the Deployment refuses',
    facts: none().rollout({ hold: { ok: true, hold } }), decision: 'refuse', mechanism: 'rollout-undo', reason: /held by run run-9 \(bob@ci-3/,
  },
  {
    title: 'an open run in this journal refuses',
    facts: none().openRun('run-7', 'interrupted'), decision: 'refuse', mechanism: 'rollout-undo', reason: /run run-7 of .* is still open \(interrupted/,
  },
  {
    title: 'after an undo, "previous" is the release it rolled away from: refused unless named with --to',
    facts: none().rollout({ revisions: [
      { ...FakeFacts.rolloutHistory().revisions[1]!, revision: 6, createdAt: '2026-05-19T10:00:00Z', matchesCurrent: true },
      { ...FakeFacts.rolloutHistory().revisions[0]!, createdAt: '2026-05-20T14:00:00Z', matchesCurrent: false },
    ] }),
    decision: 'refuse', mechanism: 'rollout-undo',
    reason: /revision 5 .* is newer than the running revision 6 .*: the running one was brought back by an earlier undo/,
  },
  {
    title: 'a Rollout is not undone this way',
    facts: none().workloadKind('Rollout'), decision: 'refuse', mechanism: null,
    rejected: { 'rollout-undo': /Rollout .* is not a Deployment/ },
  },
  {
    title: 'an Argo CD app: Argo CD\'s rollback stays first; the undo applies but is ranked after it',
    facts: FakeFacts.seed().rollout({}), decision: 'rollback', mechanism: 'argocd-rollback',
    rejected: { 'rollout-undo': /applies, but argocd-rollback comes first/ },
  },
  {
    title: '--mechanism rollout-undo on a self-healed app holds self-heal first, undoes, and reverts in git',
    facts: FakeFacts.seed().rollout({}), policy: { mechanism: 'rollout-undo' }, decision: 'rollback', mechanism: 'rollout-undo', steps: ARGO_UNDO(true), toRevision: 4,
    reason: /managed by Argo CD with self-heal: a bare undo would be reverted within seconds, so this plan holds auto-sync first and reverts d8f3c2a in git/,
    extra: (plan) => {
      assert.deepEqual(plan.steps.find((s) => s.kind === 'followup.revert')?.params, { badRevision: SEED.bad.revision, trackedBranch: 'main', appPath: 'apps/catalog/us-east', mode: 'push' });
      assert.equal(plan.steps.findIndex((s) => s.kind === 'argocd.disable-auto-sync') < plan.steps.findIndex((s) => s.kind === 'kube.rollout-undo'), true, 'self-heal is held before the undo');
    },
  },
  {
    title: 'the undo target is tied to the Argo CD history entry whose images it runs',
    facts: FakeFacts.seed().rollout({}).targetImages(SEED.goodImage), policy: { mechanism: 'rollout-undo' }, decision: 'rollback', mechanism: 'rollout-undo',
    extra: (plan) => {
      assert.deepEqual(plan.to, { kind: 'replicaset-revision', replicaSetRevision: 4, replicaSet: 'catalog-4a4b4', revision: SEED.good.revision, historyId: SEED.good.id });
      assert.equal(plan.warnings.some((w) => /not the images of the last-known-good/.test(w)), false);
    },
  },
  {
    title: 'an undo target that does not run the last-known-good\'s images is planned with a warning: the revert would bring a second rollout',
    facts: FakeFacts.seed().rollout({}).targetImages(`ghcr.io/acme/catalog@sha256:${'9d9d'.repeat(16)}`), policy: { mechanism: 'rollout-undo' }, decision: 'rollback', mechanism: 'rollout-undo',
    extra: (plan) => {
      assert.equal(plan.to?.historyId, null);
      assert.ok(
        plan.warnings.some((w) => new RegExp(`revision 4 \\(catalog-4a4b4\\) runs .*, not the images of the last-known-good history ${SEED.good.id} .*Argo CD rolls those out in a second rollout`).test(w)),
        plan.warnings.join('\n'),
      );
    },
  },
  {
    title: '--no-revert leaves the revert to a person (the run waits for it)',
    facts: FakeFacts.seed().rollout({}), policy: { mechanism: 'rollout-undo', revert: 'none' }, decision: 'rollback', mechanism: 'rollout-undo', steps: ARGO_UNDO(false),
  },
  {
    title: 'revert: review sends the revert for review',
    facts: FakeFacts.seed().rollout({}).revertPolicy('review'), policy: { mechanism: 'rollout-undo' }, decision: 'rollback', mechanism: 'rollout-undo',
    extra: (plan) => assert.equal((plan.steps.find((s) => s.kind === 'followup.revert')?.params as { mode: string }).mode, 'review'),
  },
  {
    title: 'manual sync: no auto-sync to hold; the follow-up syncs the revert once it lands',
    facts: FakeFacts.seed().rollout({}).autoSync(false), policy: { mechanism: 'rollout-undo' }, decision: 'rollback', mechanism: 'rollout-undo', steps: ARGO_UNDO(true, false),
  },
  {
    title: 'an app a parent owns is left to Argo CD\'s rollback (the parent would put self-heal back)',
    facts: FakeFacts.seed().rollout({}).ownedByAppSet('bookstore'), policy: { mechanism: 'rollout-undo' }, decision: 'refuse', mechanism: 'rollout-undo',
    reason: /rollout-undo cannot be used: ApplicationSet bookstore owns .* puts its sync policy back/,
  },
  {
    title: 'an unsafe migration stops the undo as it stops Argo CD\'s rollback',
    facts: FakeFacts.seed().rollout({}).migrations('unsafe', 'm/0042_drop.sql'), policy: { mechanism: 'rollout-undo' }, decision: 'refuse', mechanism: 'rollout-undo', reason: /0042_drop/,
  },
];

describe('rollout-undo in the decision tree', () => {
  for (const c of cases) {
    it(c.title, () => {
      const plan = decide(c.facts.build(), { ...defaultPolicy, ...c.policy });
      assert.equal(plan.decision, c.decision, `reasons: ${plan.reasons.join(' | ')}`);
      assert.equal(plan.mechanism, c.mechanism);
      if (c.steps) assert.deepEqual(plan.steps.map((s) => s.kind), c.steps);
      if (c.decision !== 'rollback') assert.deepEqual(plan.steps, []);
      if (c.toRevision !== undefined) assert.equal(plan.to?.kind === 'replicaset-revision' ? plan.to.replicaSetRevision : undefined, c.toRevision);
      if (c.reason) assert.ok(plan.reasons.some((r) => c.reason?.test(r)), `no reason matches ${c.reason}: ${plan.reasons.join(' | ')}`);
      for (const [m, re] of Object.entries(c.rejected ?? {})) assert.match(plan.rejected.find((r) => r.mechanism === m)?.reason ?? '', re, m);
      c.extra?.(plan);
      // Every plan this mechanism makes survives being saved and read back.
      const read = validatePlan(JSON.parse(JSON.stringify(plan)));
      assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
    });
  }
});

describe('followup.revert in the Argo CD rollback plan', () => {
  const kinds = (plan: Plan) => plan.steps.map((s) => s.kind);
  it('is not there unless asked: a person reverts (today\'s behaviour)', () => {
    assert.equal(kinds(decide(FakeFacts.seed().build())).includes('followup.revert'), false);
  });
  it('apps[].revert: push puts it just before the wait for the revert', () => {
    const plan = decide(FakeFacts.seed().revertPolicy('push').build());
    const k = kinds(plan);
    assert.equal(k.indexOf('followup.revert') + 1, k.indexOf('followup.await-revert'));
    assert.deepEqual(plan.steps.find((s) => s.kind === 'followup.revert')?.params, { badRevision: SEED.bad.revision, trackedBranch: 'main', appPath: 'apps/catalog/us-east', mode: 'push' });
  });
  it('--no-revert wins over apps[].revert', () => {
    assert.equal(kinds(decide(FakeFacts.seed().revertPolicy('review').build(), { ...defaultPolicy, revert: 'none' })).includes('followup.revert'), false);
  });
});

describe('Argo CD\'s API slow or down (issue 13): the undo through the Application CR', () => {
  const where = 'kubernetes GET us-east: applications.argoproj.io/bookstore-catalog-us-east -n argocd';
  const outage = (state: 'unreachable' | 'slow', cr: ArgoCdApiOutage['cr']): Pick<Facts, 'argocdApi'> => ({
    argocdApi: Fact.of<ArgoCdApiOutage>({ state, reason: state === 'slow' ? 'no answer within 5 s (argocd.slowAfterSeconds)' : 'read ECONNRESET (socket hang up)', cr }, `argocd GET /api/v1/applications/${SEED.app}`),
  });
  /** The facts gather-facts builds: the Application read from the CR instead of the API. */
  const fromCr = (state: 'unreachable' | 'slow'): Facts => ({ ...FakeFacts.seed().rollout({}).build(), ...outage(state, { readable: true, where }) });

  it('API unreachable, CR readable: the undo path is chosen, Argo CD\'s rollback rejected with why', () => {
    const plan = decide(fromCr('unreachable'));
    assert.equal(plan.decision, 'rollback', plan.reasons.join(' | '));
    assert.equal(plan.mechanism, 'rollout-undo');
    assert.deepEqual(plan.steps.map((s) => s.kind), ARGO_UNDO(true));
    assert.match(plan.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /^Argo CD API unreachable: read ECONNRESET/);
    assert.match(plan.reasons[0] ?? '', /Application CR answers .*kubectl -n argocd patch application bookstore-catalog-us-east --type merge.*d8f3c2a is the CR's own/);
    assert.match(plan.steps.find((s) => s.kind === 'argocd.disable-auto-sync')?.title ?? '', /through the Application CR/);
    // The bad commit comes from the CR's history: the revert needs no Argo CD API.
    assert.equal((plan.steps.find((s) => s.kind === 'followup.revert')?.params as { badRevision: string }).badRevision, SEED.bad.revision);
    const read = validatePlan(JSON.parse(JSON.stringify(plan)));
    assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
  });

  it('API slower than policy, CR readable: the same undo path, the rejection says slow', () => {
    const plan = decide(fromCr('slow'));
    assert.equal(plan.mechanism, 'rollout-undo');
    assert.equal(plan.decision, 'rollback');
    assert.match(plan.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /^Argo CD API slow: no answer within 5 s/);
  });

  it('neither the API nor the CR answers: refused, because the bad commit cannot be known', () => {
    const facts: Facts = { ...FakeFacts.seed().rollout({}).withoutApplication().build(), ...outage('unreachable', { readable: false, reason: 'applications.argoproj.io "bookstore-catalog-us-east" is forbidden' }) };
    const plan = decide(facts);
    assert.equal(plan.decision, 'refuse');
    assert.equal(plan.mechanism, 'rollout-undo');
    assert.deepEqual(plan.steps, []);
    assert.match(plan.reasons[0] ?? '', /Argo CD API unreachable: .* the Application CR could not be read either \(.*forbidden\): the deployed commit, and so the one to revert, cannot be known.*Next: restore access/);
  });

  it('--mechanism argocd-rollback while the API is down says why it cannot be used', () => {
    const plan = decide(fromCr('unreachable'), { ...defaultPolicy, mechanism: 'argocd-rollback' });
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons[0] ?? '', /argocd-rollback cannot be used: Argo CD API unreachable/);
  });

  it('API up: Argo CD\'s rollback stays preferred (no outage fact, as today)', () => {
    const plan = decide(FakeFacts.seed().rollout({}).build());
    assert.equal(plan.mechanism, 'argocd-rollback');
    assert.doesNotMatch(plan.steps.map((s) => s.title).join(' '), /Application CR/);
  });
});
