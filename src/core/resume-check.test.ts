import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import type { ApplicationState } from './domain.ts';
import { onlyHoldReleasesLeft, resumeChanges } from './resume-check.ts';
import { FakeFacts, SEED } from '../testing/fake-facts.ts';

const facts = FakeFacts.seed().build();
const plan = decide(facts);
const app: ApplicationState = facts.application?.value ?? assert.fail('seed has an app');
const check = (a: ApplicationState, phase: 'mitigate' | 'verify' | 'follow-up' = 'mitigate') => resumeChanges(plan, a, 'r1', phase, SEED.now);
const hold = (runId: string) => ({ ok: true as const, hold: { runId, app: SEED.app, actor: 'a', host: 'h', at: SEED.now, badRevision: SEED.bad.revision, saved: { syncPolicy: app.syncPolicy }, state: 'active' as const } });

describe('resumeChanges', () => {
  it('nothing moved: the run continues', () => {
    assert.deepEqual(check(app), []);
  });

  it('the run\'s own rollback entry and hold are its own doing', () => {
    const rolled = { ...app, hold: hold('r1'), history: [...app.history, { id: 43, revision: SEED.good.revision, deployedAt: SEED.now }] };
    assert.deepEqual(check(rolled, 'verify'), []);
  });

  it('a newer deploy by someone else is refused, naming it (the defect: resume rolled history 44 back to 41)', () => {
    const moved = { ...app, history: [...app.history, { id: 43, revision: SEED.good.revision, deployedAt: SEED.now }, { id: 44, revision: 'e'.repeat(40), deployedAt: SEED.now }] };
    assert.match(check(moved).join(), /a deploy this run did not make landed: history 44 \(eeeeeee\)/);
  });

  it('a deploy of the run\'s own commit (the kill switch\'s flag flip, shipped by auto-sync) is its own doing; any other still refused', () => {
    const flip = 'f'.repeat(40);
    const shipped = { ...app, hold: hold('r1'), history: [...app.history, { id: 43, revision: flip, deployedAt: SEED.now }] };
    assert.match(check(shipped, 'verify').join(), /a deploy this run did not make landed: history 43/, 'without knowing it is the run\'s own');
    assert.deepEqual(resumeChanges(plan, shipped, 'r1', 'verify', SEED.now, new Set([flip])), []);
    const then = { ...shipped, history: [...shipped.history, { id: 44, revision: 'e'.repeat(40), deployedAt: SEED.now }] };
    assert.match(resumeChanges(plan, then, 'r1', 'verify', SEED.now, new Set([flip])).join(), /history 44 \(eeeeeee\)/);
  });

  it('another run\'s hold is refused in every phase', () => {
    assert.match(check({ ...app, hold: hold('r2') }, 'follow-up').join(), /held by run r2/);
  });

  it('a trimmed target and a foreign operation are refused', () => {
    const trimmed = { ...app, history: app.history.filter((h) => h.id !== 41) };
    assert.match(check(trimmed).join(), /the target history 41 \(a1b2c3d\) is gone/);
    assert.match(check({ ...app, operation: { phase: 'Running', revision: SEED.bad.revision } }).join(), /operation this run did not start is running/);
    assert.deepEqual(check({ ...app, operation: { phase: 'Running', revision: SEED.good.revision } }), [], 'its own rollback operation');
  });
});

describe('onlyHoldReleasesLeft', () => {
  const step = (kind: string, phase: 'verify' | 'follow-up') => ({ kind, phase, title: kind, target: 't', expectedSeconds: 1, evidence: [], checks: [], params: {} });
  const undo = { ...plan, steps: [step('kube.rollout-undo', 'verify'), step('verify.metrics', 'verify'), step('kube.release-hold', 'follow-up')] };
  it('the unmanaged undo with only its hold release left: resume may end it', () => {
    assert.equal(onlyHoldReleasesLeft(undo, 2), true);
  });
  it('steps that act or wait on people left, or nothing left: not', () => {
    assert.equal(onlyHoldReleasesLeft(undo, 1), false);
    assert.equal(onlyHoldReleasesLeft(undo, 3), false);
    assert.equal(onlyHoldReleasesLeft({ ...undo, steps: [...undo.steps.slice(0, 2), step('followup.await-revert', 'follow-up'), step('argocd.release-hold', 'follow-up')] }, 2), false);
  });
});
