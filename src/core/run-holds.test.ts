import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import type { StepResult, StepStatus } from './run.ts';
import { runHolds } from './run-holds.ts';
import { FakeFacts } from '../testing/fake-facts.ts';

const results = (plan: ReturnType<typeof decide>, done: Readonly<Record<string, StepStatus>>): StepResult[] =>
  plan.steps.map((s) => ({ kind: s.kind, phase: s.phase, status: done[s.kind] ?? 'not-executed', startedAt: null, endedAt: null, evidence: [] }));

describe('runHolds', () => {
  const plan = decide(FakeFacts.seed().build());

  it('auto-sync off is held from 3a until the follow-up restores it', () => {
    assert.deepEqual(runHolds(plan, results(plan, {})), []);
    const held = runHolds(plan, results(plan, { 'argocd.disable-auto-sync': 'succeeded', 'argocd.rollback': 'succeeded' }));
    assert.deepEqual(held, ['auto-sync off on bookstore-catalog-us-east (saved: auto-sync enabled=true, prune=true, selfHeal=true)']);
    assert.deepEqual(runHolds(plan, results(plan, { 'argocd.disable-auto-sync': 'succeeded', 'argocd.restore-sync-policy': 'succeeded' })), []);
  });

  it('a 3a that found auto-sync already off (this run crashed mid-step) still holds it: the plan saved it on', () => {
    assert.equal(runHolds(plan, results(plan, { 'argocd.disable-auto-sync': 'skipped' })).length, 1);
  });

  it('a step not yet run holds nothing', () => {
    assert.deepEqual(runHolds(plan, results(plan, { 'argocd.disable-auto-sync': 'not-executed' })), []);
  });

  it('a pin is held until the unpin', () => {
    const pinned = decide(FakeFacts.seed().ownedByAppSet('bookstore', { ignoredPointers: ['/spec/source/targetRevision'] }).build());
    assert.match(runHolds(pinned, results(pinned, { 'argocd.pin-target-revision': 'succeeded' })).join(), /pinned to a1b2c3d \(was main\)/);
    assert.deepEqual(runHolds(pinned, results(pinned, { 'argocd.pin-target-revision': 'succeeded', 'argocd.unpin-target-revision': 'succeeded' })), []);
  });
});
