import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { validatePlan } from './plan-validation.ts';
import { stepDefinitions } from './steps/index.ts';
import { FakeFacts } from '../testing/fake-facts.ts';

/** A saved plan as a user's file holds it: JSON, which a person may have edited. */
const saved = (): Record<string, unknown> & { steps: Record<string, unknown>[] } =>
  JSON.parse(JSON.stringify(decide(FakeFacts.seed().build()))) as Record<string, unknown> & { steps: Record<string, unknown>[] };

const problems = (json: unknown): string => {
  const r = validatePlan(json);
  assert.equal(r.ok, false, 'expected the plan to be refused');
  return r.ok ? '' : r.problems.join(' | ');
};

describe('validatePlan', () => {
  it('accepts what decide makes, after a JSON round trip', () => {
    const r = validatePlan(saved());
    assert.ok(r.ok, r.ok ? '' : r.problems.join(' | '));
  });

  it('refuses another version, saying which one it reads', () => {
    assert.match(problems({ ...saved(), version: 1 }), /plan\.version is 1; this rewind reads version 2 plans/);
  });

  it('refuses something that is not a plan', () => {
    assert.match(problems({ kind: 'Deployment' }), /plan\.kind: expected "Plan"/);
    assert.match(problems([]), /plan: expected an object/);
  });

  it('refuses an unknown step kind by name and position', () => {
    const p = saved();
    p.steps[2] = { ...p.steps[2], kind: 'argocd.delete-everything' };
    assert.match(problems(p), /plan\.steps\[2\]: unknown step kind "argocd\.delete-everything"/);
  });

  it('refuses bad parameters with their path', () => {
    const p = saved();
    const i = p.steps.findIndex((s) => s['kind'] === 'argocd.rollback');
    p.steps[i] = { ...p.steps[i], params: { id: '41', revision: 'x', prune: true } };
    assert.match(problems(p), new RegExp(`plan\\.steps\\[${i}\\]\\.params\\.id: expected an integer, got "41"`));
  });

  it('refuses a misspelt parameter rather than ignoring it', () => {
    const p = saved();
    const i = p.steps.findIndex((s) => s['kind'] === 'verify.digest');
    p.steps[i] = { ...p.steps[i], params: { expectedImage: [] } };
    assert.match(problems(p), /params\.expectedImage: unknown field/);
  });

  it('refuses a step that contradicts plan.to', () => {
    const p = saved();
    const i = p.steps.findIndex((s) => s['kind'] === 'argocd.rollback');
    const params = p.steps[i]?.['params'] as Record<string, unknown>;
    p.steps[i] = { ...p.steps[i], params: { ...params, id: 38 } };
    assert.match(problems(p), /argocd\.rollback\): rolls back to history 38, but the plan's target is history 41/);
    const w = p.steps.findIndex((s) => s['kind'] === 'argocd.wait-healthy');
    const q = saved();
    q.steps[w] = { ...q.steps[w], params: { revision: 'f'.repeat(40) } };
    assert.match(problems(q), /the awaited revision fffffff is not the plan's target a1b2c3d/);
  });

  it('refuses a step in the wrong phase, and phases out of order', () => {
    const p = saved();
    p.steps[2] = { ...p.steps[2], phase: 'follow-up' };
    const text = problems(p);
    assert.match(text, /argocd\.disable-auto-sync belongs to the mitigate phase, not follow-up/);
    assert.match(text, /a mitigate step after a follow-up step/);
  });

  it('refuses steps on a plan that decided not to act', () => {
    assert.match(problems({ ...saved(), decision: 'refuse' }), /a refuse plan has no steps/);
  });

  it('knows every step kind once', () => {
    const kinds = stepDefinitions.map((d) => d.kind);
    assert.equal(new Set(kinds).size, kinds.length);
    for (const k of kinds) assert.match(k, /^(argocd|kube|verify|followup|rollouts|flag|db)\.[a-z-]+$/);
  });
});
