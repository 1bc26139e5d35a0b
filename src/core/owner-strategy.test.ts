import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from './decide.ts';
import { defaultPolicy } from './facts.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import type { Plan } from './plan.ts';

const kinds = (plan: Plan): string[] => plan.steps.map((s) => s.kind);
const params = (plan: Plan, kind: string): unknown => plan.steps.find((s) => s.kind === kind)?.params;
const ownership = (plan: Plan) => plan.preflight.find((c) => c.id === 'ownership');

const DISABLE = ['argocd.preflight', 'argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold'];
const HOLD_OWNER = ['argocd.preflight', 'argocd.write-hold', 'argocd.hold-owner', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.restore-owner', 'argocd.wait-synced-to-branch', 'argocd.release-hold'];
const SEED_POLICY = { automated: { prune: true, selfHeal: true, enabled: true } };

describe('what makes the rollback stick, chosen from the owner', () => {
  it('no owner: auto-sync off on the app, the hold on the app', () => {
    const plan = decide(FakeFacts.seed().build(), defaultPolicy);
    assert.deepEqual(kinds(plan), DISABLE);
    assert.equal((params(plan, 'argocd.write-hold') as { on?: unknown }).on, undefined);
    assert.equal(ownership(plan)?.status, 'pass');
  });

  it('a set that ignores /spec/syncPolicy: auto-sync off on the app; the hold goes on the set, which wipes the app\'s annotations', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('exempt', { ignoredPointers: ['/spec/syncPolicy'] }).build(), defaultPolicy);
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), DISABLE);
    assert.deepEqual((params(plan, 'argocd.write-hold') as { on?: unknown }).on, { kind: 'ApplicationSet', name: 'exempt' });
    assert.deepEqual(params(plan, 'argocd.release-hold'), { on: { kind: 'ApplicationSet', name: 'exempt' } });
    assert.match(ownership(plan)?.detail ?? '', /leaves \/spec\/syncPolicy as the app has it/);
  });

  it('a set that preserves the hold annotation keeps it on the app', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('exempt', { ignoredPointers: ['/spec/syncPolicy'], preservedAnnotations: ['rewind.io/hold'] }).build(), defaultPolicy);
    assert.equal((params(plan, 'argocd.write-hold') as { on?: unknown }).on, undefined);
  });

  it('a set on create-only already updates nothing: auto-sync off on the app, hold on the app', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('frozen', { applicationsSync: 'create-only' }).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), DISABLE);
    assert.equal((params(plan, 'argocd.write-hold') as { on?: unknown }).on, undefined);
  });

  it('a set with upstream\'s defaults is held (create-only) before the app is touched, names the siblings it freezes, and is given back after the app\'s policy', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('bookstore', { siblings: ['bookstore-catalog-eu-west', 'bookstore-orders-us-east'] }).build(), defaultPolicy);
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), HOLD_OWNER);
    const saved = { kind: 'ApplicationSet', name: 'bookstore', applicationsSync: null };
    assert.deepEqual(params(plan, 'argocd.hold-owner'), { owner: saved });
    assert.deepEqual(params(plan, 'argocd.restore-owner'), { owner: saved });
    assert.deepEqual(params(plan, 'argocd.write-hold'), { badRevision: plan.from.revision, saved: { syncPolicy: SEED_POLICY, owner: saved }, on: { kind: 'ApplicationSet', name: 'bookstore' } });
    assert.match(ownership(plan)?.detail ?? '', /create-only.*also freezes bookstore-catalog-eu-west, bookstore-orders-us-east until finish/);
    assert.deepEqual(plan.steps.find((s) => s.kind === 'argocd.hold-owner')?.checks, ['spec.syncPolicy.applicationsSync = create-only', 'also frozen until finish: bookstore-catalog-eu-west, bookstore-orders-us-east']);
  });

  it('a set written with applicationsSync sync is given back exactly that', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('bookstore', { applicationsSync: 'sync' }).build(), defaultPolicy);
    assert.deepEqual(params(plan, 'argocd.restore-owner'), { owner: { kind: 'ApplicationSet', name: 'bookstore', applicationsSync: 'sync' } });
  });

  it('a set deployed by an auto-syncing Argo CD app is refused with the upstream doc', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('bookstore', { managedBy: { name: 'platform-appsets', autoSync: true, selfHeal: true } }).build(), defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.equal(ownership(plan)?.status, 'fail');
    assert.match(plan.reasons.join(' '), /deployed from git by Argo CD app platform-appsets with auto-sync and self-heal on.*auto_sync/);
  });

  it('a set deployed by an app with auto-sync off may be held', () => {
    const plan = decide(FakeFacts.seed().ownedByAppSet('bookstore', { managedBy: { name: 'platform-appsets', autoSync: false, selfHeal: false } }).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), HOLD_OWNER);
  });

  it('jq rules rewind cannot evaluate are refused, unless a JSON pointer already decides', () => {
    assert.equal(decide(FakeFacts.seed().ownedByAppSet('bookstore', { jqPathExpressions: ['.spec.syncPolicy'] }).build(), defaultPolicy).decision, 'refuse');
    const pointer = decide(FakeFacts.seed().ownedByAppSet('bookstore', { jqPathExpressions: ['.spec.info'], ignoredPointers: ['/spec/syncPolicy'] }).build(), defaultPolicy);
    assert.deepEqual(kinds(pointer), DISABLE);
  });

  it('an owner that could not be read is refused: its rules are unknown, not "none"', () => {
    const plan = decide(FakeFacts.seed().ownedUnreadable('ApplicationSet', 'bookstore', 'HTTP 403').build(), defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons.join(' '), /could not read \(HTTP 403\)/);
  });

  it('a self-healing parent app is held (auto-sync off, its policy saved) and given back', () => {
    const plan = decide(FakeFacts.seed().ownedByApp('bookstore-apps').build(), defaultPolicy);
    assert.deepEqual(kinds(plan), HOLD_OWNER);
    const saved = { kind: 'Application', name: 'bookstore-apps', syncPolicy: SEED_POLICY };
    assert.deepEqual(params(plan, 'argocd.hold-owner'), { owner: saved });
    assert.deepEqual(params(plan, 'argocd.restore-owner'), { owner: saved });
    assert.equal((params(plan, 'argocd.write-hold') as { on?: unknown }).on, undefined, 'a parent applies as kubectl does: the app keeps annotations it did not write');
    assert.match(ownership(plan)?.detail ?? '', /puts the child back on every drift/);
  });

  it('a parent with auto-sync but no self-heal is held too: any commit makes it re-apply the child', () => {
    const plan = decide(FakeFacts.seed().ownedByApp('bookstore-apps', { selfHeal: false }).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), HOLD_OWNER);
    assert.match(ownership(plan)?.detail ?? '', /any commit to its repo/);
  });

  it('a parent with auto-sync off re-applies nothing by itself: auto-sync off on the child only', () => {
    assert.deepEqual(kinds(decide(FakeFacts.seed().ownedByApp('bookstore-apps', { autoSync: false }).build(), defaultPolicy)), DISABLE);
  });

  it('a self-healing parent that is itself owned is refused: its owner would put its policy back', () => {
    const plan = decide(FakeFacts.seed().ownedByApp('bookstore-apps', { owner: { kind: 'Application', name: 'root' } }).build(), defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons.join(' '), /owned by Application root/);
  });
});

describe('a hold on the ApplicationSet', () => {
  it('a sibling\'s run holding the set refuses this app\'s run, naming the sibling', () => {
    const facts = FakeFacts.seed().ownedByAppSet('bookstore', { ignoredPointers: ['/spec/syncPolicy'] }).build();
    const app = facts.application?.value;
    assert.ok(app?.owner);
    const hold = { runId: 'r1', app: 'bookstore-payments-us-east', actor: 'sam', host: 'h', at: facts.now, badRevision: 'b'.repeat(40), saved: { syncPolicy: { automated: null } }, state: 'active' as const };
    const held = { ...facts, application: { ...facts.application!, value: { ...app, owner: { ...app.owner, hold: { ok: true as const, hold } } } } };
    const plan = decide(held, defaultPolicy);
    assert.equal(plan.decision, 'refuse');
    assert.match(plan.reasons.join(' '), /ApplicationSet bookstore carries the hold of sibling app bookstore-payments-us-east/);
  });
});

describe('autoSyncHold: pin, the seed\'s alternative to disabling auto-sync', () => {
  const PIN = ['argocd.preflight', 'argocd.write-hold', 'argocd.pin-target-revision', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.unpin-target-revision', 'argocd.await-branch-head', 'argocd.wait-synced-to-branch', 'argocd.release-hold'];

  it('no owner: targetRevision is pinned to the good commit, auto-sync stays on, unpinned when the revert lands', () => {
    const plan = decide(FakeFacts.seed().autoSyncHold('pin').build(), defaultPolicy);
    assert.equal(plan.decision, 'rollback');
    assert.deepEqual(kinds(plan), PIN);
    assert.deepEqual(params(plan, 'argocd.pin-target-revision'), { revision: plan.to?.revision, previousTargetRevision: 'main', saved: SEED_POLICY });
    assert.equal(ownership(plan)?.status, 'pass');
    assert.match(ownership(plan)?.detail ?? '', /autoSyncHold: pin in rewind.yaml: \/spec\/source\/targetRevision is pinned/);
  });

  it('auto-sync already off: pinned, then rolled back (Argo CD will not sync the pin by itself)', () => {
    const plan = decide(FakeFacts.seed().autoSyncHold('pin').autoSync(false).build(), defaultPolicy);
    assert.ok(kinds(plan).indexOf('argocd.pin-target-revision') < kinds(plan).indexOf('argocd.rollback'));
  });

  it('a set that puts targetRevision back: the preference cannot be followed; auto-sync off, and the plan says why', () => {
    const plan = decide(FakeFacts.seed().autoSyncHold('pin').ownedByAppSet('exempt', { ignoredPointers: ['/spec/syncPolicy'] }).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), DISABLE);
    assert.match(ownership(plan)?.detail ?? '', /autoSyncHold: pin is not possible: ApplicationSet exempt puts \/spec\/source\/targetRevision back/);
  });

  it('autoSyncHold: disable where the owner puts syncPolicy back: pinned all the same, and the plan says why', () => {
    const plan = decide(FakeFacts.seed().autoSyncHold('disable').ownedByAppSet('bookstore', { ignoredPointers: ['/spec/source/targetRevision'], preservedAnnotations: ['rewind.io/hold'] }).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), PIN);
    assert.match(ownership(plan)?.detail ?? '', /autoSyncHold: disable is not possible: the owner puts \/spec\/syncPolicy back/);
  });

  it('a set held on create-only is not changed by the preference: the hold-owner path is the one that sticks', () => {
    const plan = decide(FakeFacts.seed().autoSyncHold('pin').ownedByAppSet('bookstore', {}).build(), defaultPolicy);
    assert.deepEqual(kinds(plan), HOLD_OWNER);
  });
});

