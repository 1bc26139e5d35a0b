import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../core/decide.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { formatSeconds, renderPlanText } from './plan-text.ts';

const text = (f: FakeFacts, color = false) => renderPlanText(decide(f.build()), { color });

describe('renderPlanText', () => {
  it('puts the decision first, then pre-flight with marks and sources, then numbered steps', () => {
    const out = text(FakeFacts.seed());
    const lines = out.split('\n');
    assert.equal(lines[0], 'bookstore-catalog-us-east: ROLL BACK d8f3c2a (history 42) -> a1b2c3d (history 41), ~5m48s (argocd-rollback)');
    assert.match(out, / {2}✓ Deploy\/alert correlation: the sync landed 8 min before now/);
    assert.match(out, / {2}! Sync mode: auto-sync is ON \(prune, selfHeal\)/);
    assert.match(out, / {6}from argocd GET \/api\/v1\/applications\/bookstore-catalog-us-east, clock/);
    assert.match(out, / {2}3\. Disable auto-sync so the rollback sticks \(3a\) {2}\[argocd app bookstore-catalog-us-east, ~2s\]/);
    assert.match(out, / {2}4\. Roll back to history 41 \(a1b2c3d\) \(3b\)/);
    assert.match(out, / {5}then: every Pod's imageID matches ghcr\.io\/acme\/catalog@sha256:600d/);
    assert.ok(out.indexOf('Pre-flight') < out.indexOf('Steps'));
    assert.equal(out.match(/auto-sync is ON/g)?.length, 1, 'a warning shown by its check is not repeated');
  });

  it('shows refusal reasons with what to do next, and no steps', () => {
    const out = text(FakeFacts.seed().operationRunning());
    assert.match(out.split('\n')[0] ?? '', /^bookstore-catalog-us-east: REFUSED will not roll back d8f3c2a \(history 42\) -> a1b2c3d \(history 41\)$/);
    assert.match(out, / {2}✗ .*operation/i);
    assert.doesNotMatch(out, /Steps/);
  });

  it('says the data-layer handoff in its first line: the restore point, the runbook, what is lost', () => {
    const facts = FakeFacts.seed()
      .history([{ id: 41, revision: 'a1b2c3d', minutesAgo: 201 }, { id: 42, revision: 'd8f3c2a', minutesAgo: 8, startedMinutesAgo: 10 }])
      .migrations('unsafe', 'apps/catalog/migrations/0042_drop.sql');
    const out = text(facts);
    assert.equal(
      out.split('\n')[0],
      'bookstore-catalog-us-east: REFUSED code rollback: data layer first: restore the database to 2026-05-20T14:20:13.000Z with data-rollback-postgres-pitr.md (losing every write since then: 10 min), or roll forward with --fix REV',
    );
    assert.match(out, / {2}✗ apps\/catalog\/migrations\/0042_drop\.sql \(DROP COLUMN\) is unsafe for the old binary and has no down migration/);
    assert.match(out, / {4}next: restore to 2026-05-20T14:20:13.000Z \(the sync of history 42 \(d8f3c2a\) began at/);
    assert.match(out, / {2}✗ Data layer \(DB migration involved\?\): .*0042_drop\.sql has no down migration/);
    assert.doesNotMatch(out, /Steps/);
  });

  it('says there is nothing to do when the app already runs the target', () => {
    assert.match(text(FakeFacts.seed().alreadyOnTarget()), /^bookstore-catalog-us-east: NOTHING TO DO \(on a1b2c3d \(history 43\)\)\n {2}.*already runs a1b2c3d/);
  });

  it('colours only when asked', () => {
    const esc = '\u001b';
    assert.ok(!text(FakeFacts.seed()).includes(`${esc}[`));
    assert.ok(text(FakeFacts.seed(), true).includes(`${esc}[32m✓${esc}[0m`));
  });

  it('formats expected durations as estimates', () => {
    assert.deepEqual([formatSeconds(5), formatSeconds(90), formatSeconds(120)], ['~5s', '~1m30s', '~2m']);
  });
});
