/**
 * `rewind demo --scenario kubectl|autosync-footgun`: each prints the chosen mechanism and the
 * rejected ones with reasons (JSON: `mechanism`, `rejected`), and ends rolled back (search has no
 * metrics to check: `rolled-back`) or verified by metrics (catalog).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewind } from './cli.ts';

interface DemoDoc {
  scenario: string;
  app: string;
  status: string;
  runStatus: string;
  mechanism: string;
  rejected: { mechanism: string; reason: string }[];
  to: { replicaSetRevision?: number; replicaSet?: string };
  steps: { kind: string; status: string }[];
}

test('demo --scenario kubectl: an app Argo CD does not manage is undone as kubectl rollout undo does', async () => {
  const r = await rewind(['demo', '--scenario', 'kubectl', '--speed', '20', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as DemoDoc;
  assert.deepEqual([doc.scenario, doc.app, doc.status, doc.mechanism], ['kubectl', 'bookstore-search-us-east', 'rolled-back', 'rollout-undo']);
  assert.equal(doc.to.replicaSetRevision, 2);
  assert.match(doc.rejected.find((x) => x.mechanism === 'argocd-rollback')?.reason ?? '', /has no Argo CD Application/);
  // Every step succeeded; verify.metrics says the metrics were not checked (search has none).
  assert.deepEqual(doc.steps.map((s) => (s.kind === 'verify.metrics' ? `${s.kind} ${s.status}` : s.status)), [...Array<string>(5).fill('succeeded'), 'verify.metrics skipped', 'succeeded']);
  assert.match(r.stderr, /CrashLoopBackOff/, 'the incident was real before the undo');
  assert.match(r.stderr, /chosen: rollout-undo; not chosen: feature-flag/);
});

test('demo --scenario autosync-footgun: self-heal puts a plain undo back; rewind\'s undo sticks', async () => {
  const r = await rewind(['demo', '--scenario', 'autosync-footgun', '--speed', '20', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as DemoDoc;
  assert.deepEqual([doc.scenario, doc.status, doc.runStatus, doc.mechanism], ['autosync-footgun', 'verified', 'finished', 'rollout-undo']);
  // The plain undo and rewind's both go back to the release that ran before the bad digest.
  const good = /catalog-us-east runs (\S+), with Argo CD's self-heal on/.exec(r.stderr)?.[1];
  assert.ok(good, r.stderr);
  assert.match(r.stderr, new RegExp(`step 2 - deployment.apps/catalog rolled back to revision \\d+: the template asks for ${escaped(good)} again`));
  assert.match(r.stderr, new RegExp(`revision \\d+ \\(catalog-\\w+\\) runs ${escaped(good)}, `), 'rewind\'s undo goes back to it too');
  assert.match(r.stderr, /step 3 - Argo CD self-heal put \S+ back \d+ sandbox seconds later/);
  assert.match(doc.rejected.find((x) => x.mechanism === 'argocd-rollback')?.reason ?? '', /applies, but/);
  const kinds = doc.steps.map((s) => s.kind);
  assert.ok(kinds.indexOf('argocd.disable-auto-sync') < kinds.indexOf('kube.rollout-undo'));
  assert.equal(doc.steps.find((s) => s.kind === 'followup.revert')?.status, 'succeeded');
  assert.equal(doc.steps.find((s) => s.kind === 'argocd.restore-sync-policy')?.status, 'succeeded');
});

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
