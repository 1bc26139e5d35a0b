import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { FakeFacts, fullHash, SEED } from '../testing/fake-facts.ts';
import type { Facts } from './facts.ts';
import { defaultPolicy, type Policy } from './facts.ts';
import type { Plan } from './plan.ts';
import type { DeclaredFlag, FlagEvidence, FlagState } from './flags/types.ts';
import { checkPlanStillValid } from './plan-staleness.ts';

const kinds = (plan: Plan) => plan.steps.map((s) => s.kind);
const check = (plan: Plan, id: string) => plan.preflight.find((c) => c.id === id);
const ROLLBACK = [
  'argocd.preflight', 'argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics',
  'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold',
];

const FLAG_FILE = 'apps/catalog/us-east/flags.flagd.json';
const SEARCH_FLAG: DeclaredFlag = { key: 'catalog.new-search', provider: 'flagd', gates: [], flagd: { file: FLAG_FILE, configMap: 'catalog-flags' } };
const flagOnState: FlagState = { key: 'catalog.new-search', on: true, defaultVariant: 'on', targeting: false, offVariant: 'off', source: `git show main:${FLAG_FILE}`, snapshot: '{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}' };
const flagTurnedOn = (): FlagEvidence => ({
  range: 'a1b2c3d..d8f3c2a',
  hunks: [{ path: FLAG_FILE, header: '@@ -3 +3 @@', lines: [{ op: '-', text: '"defaultVariant": "off"' }, { op: '+', text: '"defaultVariant": "on"' }] }],
  changes: [{ key: 'catalog.new-search', file: FLAG_FILE, before: { ...flagOnState, on: false, defaultVariant: 'off' }, after: flagOnState, definitionChanged: true }],
  otherChanges: [],
  live: [{ key: 'catalog.new-search', state: flagOnState }],
});

interface Case {
  readonly title: string;
  readonly facts: FakeFacts;
  readonly decision: Plan['decision'];
  readonly to?: number;
  readonly steps?: readonly string[];
  readonly reason?: RegExp;
  readonly warning?: RegExp;
  readonly checks?: Readonly<Record<string, string>>;
  readonly extra?: (plan: Plan) => void;
  readonly policy?: Policy;
  /** Mechanisms not chosen, with a pattern their reason must match. */
  readonly rejected?: Readonly<Record<string, RegExp>>;
}

const cases: readonly Case[] = [
  {
    title: 'rolls the seed incident back to history 41 after disabling auto-sync',
    facts: FakeFacts.seed(),
    decision: 'rollback',
    to: 41,
    steps: ROLLBACK,
    checks: { correlation: 'pass', 'last-known-good': 'pass', 'sync-mode': 'warn', ownership: 'pass', schema: 'pass', diagnosis: 'info' },
    warning: /auto-sync is ON \(prune, selfHeal\).*restores prune, selfHeal/,
    extra: (plan) => {
      const disable = plan.steps.find((s) => s.kind === 'argocd.disable-auto-sync');
      assert.deepEqual(disable?.params, { saved: { automated: { prune: true, selfHeal: true, enabled: true } } });
      const rollback = plan.steps.find((s) => s.kind === 'argocd.rollback');
      assert.deepEqual(rollback?.params, { id: 41, revision: SEED.good.revision, prune: true });
      const verify = plan.steps.find((s) => s.kind === 'verify.digest');
      assert.deepEqual(verify?.params, { expectedImages: [SEED.goodImage] });
      const revert = plan.steps.find((s) => s.kind === 'followup.await-revert');
      assert.deepEqual(revert?.params, { badRevision: SEED.bad.revision, trackedBranch: 'main' });
      const restore = plan.steps.find((s) => s.kind === 'argocd.restore-sync-policy');
      assert.deepEqual(restore?.params, disable?.params, 'the follow-up restores exactly what 3a saved');
      assert.deepEqual(plan.from, { historyId: 42, revision: SEED.bad.revision });
      assert.equal(plan.steps.find((s) => s.kind === 'argocd.wait-healthy')?.expectedSeconds, 90);
      assert.deepEqual([...new Set(plan.steps.map((s) => s.phase))], ['mitigate', 'verify', 'follow-up']);
      assert.equal(plan.mechanism, 'argocd-rollback');
      assert.deepEqual(plan.rejected.map((r) => r.mechanism), ['feature-flag', 'argo-rollouts', 'roll-forward', 'data-layer', 'rollout-undo']);
    },
  },
  {
    title: 'skips disabling auto-sync when it is already off',
    facts: FakeFacts.seed().autoSync(false),
    decision: 'rollback',
    to: 41,
    steps: ['argocd.preflight', 'argocd.write-hold', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.sync-to-branch', 'argocd.wait-synced-to-branch', 'argocd.release-hold'],
    checks: { 'sync-mode': 'pass' },
  },
  {
    title: 'pins targetRevision instead of toggling auto-sync when an ApplicationSet owns the app',
    facts: FakeFacts.seed().ownedByAppSet('bookstore', { ignoredPointers: ['/spec/source/targetRevision'], preservedAnnotations: ['rewind.io/hold'] }),
    decision: 'rollback',
    to: 41,
    steps: ['argocd.preflight', 'argocd.write-hold', 'argocd.pin-target-revision', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.unpin-target-revision', 'argocd.await-branch-head', 'argocd.wait-synced-to-branch', 'argocd.release-hold'],
    checks: { ownership: 'warn' },
    warning: /ApplicationSet bookstore puts \/spec\/syncPolicy back but leaves \/spec\/source\/targetRevision.*targetRevision is pinned to the good commit/,
    extra: (plan) => {
      const pin = plan.steps.find((s) => s.kind === 'argocd.pin-target-revision');
      assert.deepEqual(pin?.params, { revision: SEED.good.revision, previousTargetRevision: 'main', saved: { automated: { prune: true, selfHeal: true, enabled: true } } });
    },
  },
  {
    title: 'pins and then rolls back when the set leaves targetRevision and the app\'s auto-sync is off',
    facts: FakeFacts.seed().ownedByAppSet('bookstore', { ignoredPointers: ['/spec/source/targetRevision'], preservedAnnotations: ['rewind.io/hold'] }).autoSync(false),
    decision: 'rollback',
    steps: ['argocd.preflight', 'argocd.write-hold', 'argocd.pin-target-revision', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.unpin-target-revision', 'argocd.await-branch-head', 'argocd.sync-to-branch', 'argocd.wait-synced-to-branch', 'argocd.release-hold'],
  },
  {
    title: 'after a sync that failed midway, re-applies the last successful deploy (the newest history entry), waiting for the revert of the failed revision',
    facts: FakeFacts.seed().history([{ id: 41, revision: 'a1b2c3d', minutesAgo: 60 }]).failedPartialSync('d8f3c2a'),
    decision: 'rollback',
    to: 41,
    reason: /sync to d8f3c2a ended Failed after applying part of it .*history 41 is the last successful deploy/,
    extra: (plan) => {
      assert.equal(plan.from.revision, fullHash('d8f3c2a'));
      assert.equal((plan.steps.find((s) => s.kind === 'followup.await-revert')?.params as { badRevision: string }).badRevision, fullHash('d8f3c2a'));
      assert.ok(plan.steps.some((s) => s.kind === 'argocd.rollback'));
    },
  },
  {
    title: 'refuses when the history holds only the current entry',
    facts: FakeFacts.seed().history([{ id: 42, revision: 'd8f3c2a', minutesAgo: 8 }]),
    decision: 'refuse',
    reason: /only the current entry \(id 42\).*revisionHistoryLimit/,
    checks: { 'last-known-good': 'fail' },
  },
  {
    title: 'refuses a --to id that is not in the history, naming the ids it keeps',
    facts: FakeFacts.seed().requestTo(30),
    decision: 'refuse',
    reason: /history id 30 is not in .* keeps ids 38-42; revisionHistoryLimit 10 trims older entries/,
  },
  {
    title: 'rolls back to the entry --to names',
    facts: FakeFacts.seed().requestTo(40),
    decision: 'rollback',
    to: 40,
    checks: { 'last-known-good': 'pass' },
  },
  {
    title: 'does nothing when the app already runs the --to revision',
    facts: FakeFacts.seed().alreadyOnTarget(),
    decision: 'noop',
    to: 41,
    steps: [],
    reason: /already runs a1b2c3d/,
  },
  {
    title: 'targets the previous rollback when auto-sync re-applied the bad revision',
    facts: FakeFacts.seed().previousRollback(),
    decision: 'rollback',
    to: 43,
    extra: (plan) => assert.equal(plan.to?.revision, SEED.good.revision),
  },
  {
    title: 'skips the bad revision again after a previous rollback',
    facts: FakeFacts.seed().history([
      { id: 40, revision: '9e8d7c6', minutesAgo: 300 },
      { id: 41, revision: 'a1b2c3d', minutesAgo: 200 },
      { id: 42, revision: 'd8f3c2a', minutesAgo: 40 },
      { id: 43, revision: 'a1b2c3d', minutesAgo: 10 },
    ]),
    decision: 'rollback',
    to: 40,
    extra: (plan) => {
      const evidence = check(plan, 'last-known-good')?.evidence.map((e) => e.claim).join('\n') ?? '';
      assert.match(evidence, /skipped history 42 \(d8f3c2a\): a later rollback moved away from it/);
      assert.match(evidence, /skipped history 41 \(a1b2c3d\): same revision as the current one/);
    },
  },
  {
    title: 'skips an older entry that carries the current revision',
    facts: FakeFacts.seed().history([
      { id: 41, revision: 'a1b2c3d', minutesAgo: 200 },
      { id: 42, revision: 'd8f3c2a', minutesAgo: 20 },
      { id: 43, revision: 'd8f3c2a', minutesAgo: 8 },
    ]),
    decision: 'rollback',
    to: 41,
  },
  {
    title: 'blocks automatic execution when any migration changed, under the any-change gate',
    facts: FakeFacts.seed().migrations('safe', 'apps/catalog/migrations/0042_add_column.sql'),
    policy: { ...defaultPolicy, migrationGate: 'any-change' },
    decision: 'refuse',
    reason: /migration changed \(apps\/catalog\/migrations\/0042_add_column.sql\).*any changed migration blocks automatic execution/,
    checks: { schema: 'fail' },
  },
  {
    title: 'rolls back over a backwards-compatible migration once the analyzer judges it safe',
    facts: FakeFacts.seed().migrations('safe', 'apps/catalog/migrations/0042_add_column.sql'),
    decision: 'rollback',
    to: 41,
    checks: { schema: 'pass' },
  },
  {
    title: 'blocks a migration that needs review (backfill) by default',
    facts: FakeFacts.seed().migrations('review', 'apps/catalog/migrations/0042_backfill.sql'),
    decision: 'refuse',
    reason: /needs review/,
    checks: { schema: 'fail' },
  },
  {
    title: 'refuses an unsafe migration and points to the data layer and roll-forward',
    facts: FakeFacts.seed().migrations('unsafe', 'apps/catalog/migrations/0042_drop.sql'),
    decision: 'refuse',
    reason: /data layer first: restore the database to .*data-rollback-postgres-pitr.md.*roll forward/,
  },
  {
    title: 'refuses while an operation is already running',
    facts: FakeFacts.seed().operationRunning(),
    decision: 'refuse',
    reason: /an operation is already running.*terminate-op/,
  },
  {
    title: 'refuses a target revision pruned from the config repo',
    facts: FakeFacts.seed().pruned('a1b2c3d'),
    decision: 'refuse',
    reason: /a1b2c3d \(history 41\) is no longer in the config repo/,
  },
  {
    title: 'warns that the deploy may not be the cause when it landed more than 30 minutes ago',
    facts: FakeFacts.seed().deployedMinutesAgo(45),
    decision: 'rollback',
    warning: /45 min before now .*outside the 30-min window: the deploy may not be the cause/,
    checks: { correlation: 'warn' },
  },
  {
    title: 'warns when the alert fired before the deploy',
    facts: FakeFacts.seed().alertMinutesAgo(20),
    decision: 'rollback',
    warning: /the alert fired 12 min before the sync landed: the deploy may not be the cause/,
  },
  {
    title: 'measures the deploy against the alert when there is one',
    facts: FakeFacts.seed().alertMinutesAgo(3),
    decision: 'rollback',
    checks: { correlation: 'pass' },
    extra: (plan) => assert.match(check(plan, 'correlation')?.detail ?? '', /5 min before the alert: strong signal/),
  },
  {
    title: 'flips a flag when the release only turned it on: no Deployment touched, Argo CD rollback rejected as second in the tree',
    facts: FakeFacts.seed().changed('other').flag(SEARCH_FLAG).flagEvidence(flagTurnedOn()),
    decision: 'rollback',
    steps: ['argocd.write-hold', 'flag.off', 'flag.wait-applied', 'verify.metrics', 'argocd.release-hold'],
    rejected: { 'argocd-rollback': /applies, but feature-flag comes first in the decision tree/ },
    extra: (plan) => {
      assert.equal(plan.mechanism, 'feature-flag');
      assert.deepEqual(plan.to, { kind: 'flag-off', flags: ['catalog.new-search'], revision: '', historyId: null });
      const off = plan.steps.find((s) => s.kind === 'flag.off');
      assert.deepEqual(off?.params, { key: 'catalog.new-search', provider: 'flagd', previous: '{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}' });
      const hold = plan.steps.find((s) => s.kind === 'argocd.write-hold')?.params as { saved: { flags?: unknown } };
      assert.deepEqual(hold.saved.flags, [{ key: 'catalog.new-search', provider: 'flagd', previous: '{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}' }], 'the hold carries what a restore puts back');
      assert.ok(plan.reasons.some((r) => /flags\.flagd\.json @@ -3 \+3 @@: turns catalog\.new-search on/.test(r)), plan.reasons.join('\n'));
    },
  },
  {
    title: 'declines a flag that covers only part of the change (the image moved too): Argo CD rollback goes on',
    facts: FakeFacts.seed().changed('image-digest', 'other').flag(SEARCH_FLAG).flagEvidence({ ...flagTurnedOn(), hunks: [...flagTurnedOn().hunks, { path: 'apps/catalog/us-east/kustomization.yaml', header: '@@ -9 +9 @@', lines: [{ op: '-', text: 'digest: sha256:aa' }, { op: '+', text: 'digest: sha256:bb' }] }] }),
    decision: 'rollback',
    rejected: { 'feature-flag': /covers only part of the change: 1 of 2 changed hunks .*kustomization\.yaml/ },
    extra: (plan) => assert.equal(plan.mechanism, 'argocd-rollback'),
  },
  {
    title: 'declines a covering flag that is already off: the regression is not the gated feature',
    facts: FakeFacts.seed().changed('other').flag(SEARCH_FLAG).flagEvidence({ ...flagTurnedOn(), live: [{ key: 'catalog.new-search', state: { ...flagOnState, on: false, defaultVariant: 'off' } }] }),
    decision: 'rollback',
    rejected: { 'feature-flag': /covers the change but is already off/ },
  },
  {
    title: 'declines when the provider refused to say what the flag is',
    facts: FakeFacts.seed().changed('other').flag(SEARCH_FLAG).flagEvidence({ ...flagTurnedOn(), live: [{ key: 'catalog.new-search', error: 'unleash answered 401 Unauthorized' }] }),
    decision: 'rollback',
    rejected: { 'feature-flag': /could not be read: unleash answered 401/ },
  },
  {
    title: 'warns that rollback will not downgrade CRDs',
    facts: FakeFacts.seed().changed('image-digest', 'crd'),
    decision: 'rollback',
    warning: /does not delete or downgrade Helm CRDs/,
  },
  {
    title: 'rolls a Rollout back through Argo CD when the Rollout itself could not be read',
    facts: FakeFacts.seed().workloadKind('Rollout'),
    decision: 'rollback',
    rejected: { 'argo-rollouts': /was not read .*an Argo CD rollback steps it through its canary/, 'rollout-undo': /is not a Deployment/ },
  },
  {
    title: 'says a tag is compared by the digest it resolves to, not by its name',
    facts: FakeFacts.seed().targetImages('ghcr.io/acme/orders:2.8.0'),
    decision: 'rollback',
    extra: (plan) => assert.deepEqual(plan.steps.find((s) => s.kind === 'verify.digest')?.checks, ['every Pod runs the digest ghcr.io/acme/orders:2.8.0 resolves to in its registry (a tag: resolved when verifying)']),
  },
  {
    title: 'takes the expected images from the target revision when they were gathered',
    facts: FakeFacts.seed().targetImages('ghcr.io/acme/catalog@sha256:feed'),
    decision: 'rollback',
    extra: (plan) => assert.deepEqual(plan.steps.find((s) => s.kind === 'verify.digest')?.params, { expectedImages: ['ghcr.io/acme/catalog@sha256:feed'] }),
  },
];

describe('decide', () => {
  for (const c of cases) {
    it(c.title, () => {
      const plan = decide(c.facts.build(), c.policy ?? defaultPolicy);
      assert.equal(plan.decision, c.decision, `reasons: ${plan.reasons.join(' | ')}`);
      if (c.to !== undefined) assert.equal(plan.to?.historyId, c.to);
      if (c.steps) assert.deepEqual(kinds(plan), c.steps);
      if (c.decision !== 'rollback') assert.deepEqual(plan.steps, []);
      if (c.reason) assert.ok(plan.reasons.some((r) => c.reason?.test(r)), `no reason matches ${c.reason}: ${plan.reasons.join(' | ')}`);
      if (c.warning) assert.ok(plan.warnings.some((w) => c.warning?.test(w)), `no warning matches ${c.warning}: ${plan.warnings.join(' | ')}`);
      for (const [id, status] of Object.entries(c.checks ?? {})) assert.equal(check(plan, id)?.status, status, id);
      for (const [m, re] of Object.entries(c.rejected ?? {})) {
        const reason = plan.rejected.find((r) => r.mechanism === m)?.reason ?? '';
        assert.match(reason, re, m);
      }
      c.extra?.(plan);
    });
  }

  it('refuses with every mechanism\'s reason when none applies (no Argo CD Application)', () => {
    const plan = decide(FakeFacts.seed().withoutApplication().build());
    assert.equal(plan.decision, 'refuse');
    assert.equal(plan.mechanism, null);
    assert.deepEqual(plan.steps, []);
    assert.deepEqual(plan.preflight, []);
    assert.deepEqual(plan.assumptions, {});
    assert.deepEqual(plan.rejected.map((r) => r.mechanism), ['feature-flag', 'argo-rollouts', 'roll-forward', 'data-layer', 'argocd-rollback', 'rollout-undo']);
    assert.match(plan.reasons[0] ?? '', /no rollback mechanism applies to bookstore-catalog-us-east: .*argocd-rollback: bookstore-catalog-us-east has no Argo CD Application/);
    assert.match(plan.rejected.find((r) => r.mechanism === 'rollout-undo')?.reason ?? '', /deployed by Argo CD \(rewind.yaml has no gitops: none\) but its Application was not read/);
  });

  it('hands off to the data layer when an unsafe migration makes the Argo CD rollback refuse', () => {
    const plan = decide(FakeFacts.seed().migrations('unsafe', 'm/0042_drop.sql').build());
    assert.equal(plan.decision, 'refuse');
    assert.equal(plan.mechanism, 'data-layer', 'the data layer is asked before the old binary meets the new schema');
    assert.match(plan.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /would refuse: Step 0: unsafe migration shipped.*DROP COLUMN/);
  });

  it('a policy that names a mechanism uses it, and says why when it cannot', () => {
    const plan = decide(FakeFacts.seed().build(), { ...defaultPolicy, mechanism: 'rollout-undo' });
    assert.equal(plan.decision, 'refuse');
    assert.equal(plan.mechanism, 'rollout-undo');
    assert.match(plan.reasons[0] ?? '', /rollout-undo cannot be used: the ReplicaSet history of deployment .*catalog was not read/);
    assert.match(plan.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /applies, but the policy \(--mechanism\) chose rollout-undo/);
  });

  it('a noop names its mechanism and target', () => {
    const plan = decide(FakeFacts.seed().alreadyOnTarget().build());
    assert.equal(plan.decision, 'noop');
    assert.equal(plan.mechanism, 'argocd-rollback');
  });

  it('records what it assumed about live state as flat observations', () => {
    const plan = decide(FakeFacts.seed().build());
    assert.deepEqual(plan.assumptions, {
      'argocd.deployedRevision': SEED.bad.revision,
      'argocd.latestHistoryId': 42,
      'argocd.autoSync': true,
      'argocd.targetRevision': 'main',
      'argocd.hold': null,
    });
  });

  it('refuses while another run holds the app, naming it and what to do, before anything else', () => {
    const plan = decide(FakeFacts.seed().heldBy('20261122-031500-bookstore-catalog-us-east', { reason: 'p99' }).build());
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons[0] ?? '', /held by run 20261122-031500-bookstore-catalog-us-east \(alice@laptop-7, 30 min ago: p99\); once the revert of d8f3c2a lands: rewind finish bookstore-catalog-us-east; or end it: rewind abandon --app/);
    assert.equal(plan.preflight[0]?.id, 'open-run');
    assert.equal(plan.preflight[0]?.status, 'fail');
  });

  it('refuses while this journal has an open run of the app (a crash before any change holds nothing on Argo CD)', () => {
    const plan = decide(FakeFacts.seed().openRun('r-crashed', 'running', 130).build());
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons[0] ?? '', /run r-crashed of bookstore-catalog-us-east is still open \(running, started 2 h ago\)\. Next: rewind resume r-crashed, or end it: rewind abandon r-crashed/);
  });

  it('a hold left by an abandoned run says how to release it', () => {
    const plan = decide(FakeFacts.seed().heldBy('r-old', { state: 'left' }).build());
    assert.match(plan.reasons[0] ?? '', /left changed by abandoned run r-old .*rewind release bookstore-catalog-us-east/);
  });

  it('is deterministic and returns frozen data', () => {
    const facts = FakeFacts.seed().build();
    const a = decide(facts);
    assert.deepEqual(a, decide(facts));
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.steps) && Object.isFrozen(a.steps[0]?.params));
  });

  it('lets a policy downgrade a review verdict to a warning once the analyzer is trusted', () => {
    const facts = FakeFacts.seed().migrations('review', 'm/0042_backfill.sql').build();
    assert.equal(decide(facts).decision, 'refuse');
    const plan = decide(facts, { ...defaultPolicy, migrationGate: 'verdict', migrationReview: 'warn' });
    assert.equal(plan.decision, 'rollback');
    assert.equal(check(plan, 'schema')?.status, 'warn');
  });
});

describe('checkPlanStillValid', () => {
  const plan = decide(FakeFacts.seed().build());
  const stale = (facts: Facts) => checkPlanStillValid(plan, facts);

  it('finds nothing when live state matches the plan', () => {
    assert.deepEqual(stale(FakeFacts.seed().build()), []);
  });

  it('reports a new sync and a changed current revision', () => {
    const facts = FakeFacts.seed().history([
      { id: 41, revision: 'a1b2c3d', minutesAgo: 200 },
      { id: 42, revision: 'd8f3c2a', minutesAgo: 8 },
      { id: 43, revision: 'e4f5a6b', minutesAgo: 1 },
    ]).build();
    assert.deepEqual(stale(facts), ['current revision changed: d8f3c2a -> e4f5a6b', 'a new sync landed: history 43 (was 42)']);
  });

  it('reports auto-sync turned off and a trimmed target', () => {
    const facts = FakeFacts.seed().autoSync(false).history([{ id: 42, revision: 'd8f3c2a', minutesAgo: 8 }]).build();
    assert.deepEqual(stale(facts), ['auto-sync was turned off since the plan was made', 'the target history 41 is gone (trimmed by revisionHistoryLimit)']);
  });

  it('uses full hashes in the plan', () => {
    assert.equal(plan.to?.revision, fullHash('a1b2c3d'));
  });
});
