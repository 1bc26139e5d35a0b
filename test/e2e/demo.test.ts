import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rewind } from './cli.ts';

test('demo -o json prints exactly one JSON document: the seed incident verified on the last-known-good', async () => {
  const r = await rewind(['demo', '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    scenario: string;
    app: string;
    status: string;
    from: { historyId: number; revision: string };
    to: { historyId: number; revision: string };
    mechanism: string;
    rejected: { mechanism: string; reason: string }[];
    steps: { kind: string; phase: string; status: string; startedAt: string | null; endedAt: string | null; evidence: unknown }[];
    metrics: { name: string; threshold: string; before: number[]; after: number[] }[];
  };
  assert.equal(doc.scenario, 'argocd-image');
  assert.equal(doc.app, 'bookstore-catalog-us-east');
  assert.equal(doc.status, 'verified');
  assert.match(doc.from.revision, /^[0-9a-f]{40}$/);
  assert.match(doc.to.revision, /^[0-9a-f]{40}$/);
  assert.ok(doc.to.historyId < doc.from.historyId);
  const kinds = doc.steps.map((s) => s.kind);
  for (const k of ['argocd.preflight', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics']) assert.ok(kinds.includes(k), k);
  // Proof of recovery (issue 12): p99 from above to below 0.5 s, measured before the rollback and after the run.
  const p99 = doc.metrics.find((m) => m.name === 'catalog-p99-latency');
  assert.equal(p99?.threshold, 'ok if result[0] < 0.5');
  assert.ok((p99?.before[0] ?? 0) > 0.5 && (p99?.after[0] ?? 1) < 0.5, JSON.stringify(doc.metrics));
  assert.equal(doc.mechanism, 'argocd-rollback');
  assert.deepEqual(doc.rejected.map((x) => x.mechanism), ['feature-flag', 'argo-rollouts', 'roll-forward', 'data-layer', 'rollout-undo']);
  for (const s of doc.steps.filter((x) => x.phase !== 'follow-up')) {
    assert.equal(s.status, 'succeeded', JSON.stringify(s));
    assert.match(s.startedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.match(s.endedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Array.isArray(s.evidence));
  }
  assert.equal(doc.steps.find((s) => s.kind === 'followup.await-revert')?.status, 'pending', 'Step 3d stays open');
  assert.match(r.stderr, /verify|Pods run/i, 'progress goes to stderr');
  const postmortem = (doc as { postmortem?: string }).postmortem ?? '';
  assert.match(postmortem, /\.md$/, 'the demo ends with the postmortem draft it wrote');
  assert.match(readFileSync(postmortem, 'utf8'), /^# Postmortem \(draft\): Catalog regression in us-east after deploy [0-9a-f]{7}\n/);
});
