import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../core/decide.ts';
import { FileJournalStore } from '../executor/journal/file-journal-store.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import { runCliInProcess } from '../testing/cli-in-process.ts';
import { journalDir } from './app-context.ts';

test('runs and show list the notices that did not go out, and why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-undelivered-'));
  try {
    const plan = decide(FakeFacts.seed().build());
    const runId = '20260520-143013-bookstore-catalog-us-east';
    const journal = new FileJournalStore(journalDir(join(dir, 'state'), 'https://argocd.example.com'));
    const at = '2026-05-20T14:30:13.000Z';
    await journal.append({ type: 'run-started', runId, app: plan.app, at, plan, actor: 'alice' });
    await journal.append({ type: 'run-status', runId, at, status: 'running' });
    await journal.append({ type: 'notice', runId, at, event: 'started', target: 'slack #bookstore-platform-status', state: 'intent' });
    await journal.append({ type: 'notice', runId, at, event: 'started', target: 'slack #bookstore-platform-status', state: 'sent', attempts: 1, ref: '1.2' });
    await journal.append({ type: 'notice', runId, at, event: 'started', target: 'statuspage webhook', state: 'intent' });
    await journal.append({ type: 'notice', runId, at, event: 'started', target: 'statuspage webhook', state: 'failed', attempts: 5, error: 'statuspage webhook: HTTP 503' });
    await journal.append({ type: 'notice', runId, at, event: 'mitigated', target: 'slack #bookstore-platform-status', state: 'intent' });
    await journal.append({ type: 'run-status', runId, at, status: 'failed' });
    await writeFile(join(dir, 'token'), 't', { mode: 0o600 });
    await writeFile(join(dir, 'rewind.yaml'), 'argocd: { url: https://argocd.example.com, tokenFile: ./token }\nclusters: [{ name: us-east, context: us-east }]\napps: [{ name: bookstore-catalog-us-east, cluster: us-east, namespace: n, workload: { kind: Deployment, name: catalog } }]\n');
    const common = ['--config', join(dir, 'rewind.yaml'), '--state-dir', join(dir, 'state')];
    const env = { ...process.env, NO_COLOR: '1' };
    const runs = await runCliInProcess(['runs', ...common], { env });
    assert.match(runs.stderr, new RegExp(`not delivered: ${runId}: started to statuspage webhook; mitigated to slack #bookstore-platform-status \\(rewind show ${runId}\\)`));
    const show = await runCliInProcess(['show', runId, ...common], { env });
    assert.match(show.stdout, /not delivered \(Step 4\):\n {2}started to statuspage webhook: statuspage webhook: HTTP 503\n {2}mitigated to slack #bookstore-platform-status: sending was interrupted; a resume sends it again\n/);
    const json = await runCliInProcess(['runs', ...common, '-o', 'json'], { env });
    assert.deepEqual((JSON.parse(json.stdout) as { notDelivered: string[] }[])[0]?.notDelivered, ['started to statuspage webhook', 'mitigated to slack #bookstore-platform-status']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
