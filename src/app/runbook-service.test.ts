import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliInProcess } from '../testing/cli-in-process.ts';

const table = (date: string) => `# Runbook\n\n## When this runbook last worked\n\n| Date | App | Region | Resolved by | Notes |\n|---|---|---|---|---|\n| ${date} | bookstore-catalog-us-east | us-east | Step 3b (rollback to id 38) | bad image digest |\n`;

test('rewind runbooks: the last exercise of each; stale after 90 days, never exercised or unreadable exits 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-runbooks-'));
  try {
    const today = new Date();
    const daysAgo = (n: number) => new Date(today.getTime() - n * 86_400_000).toISOString().slice(0, 10);
    await writeFile(join(dir, 'fresh.md'), table(daysAgo(10)));
    await writeFile(join(dir, 'stale.md'), table(daysAgo(91)));
    await writeFile(join(dir, 'token'), 't', { mode: 0o600 });
    const config = (runbooks: string) =>
      `argocd: { url: https://argocd.example.com, tokenFile: ./token }\nclusters: [{ name: us-east, context: us-east }]\napps: [{ name: a, cluster: us-east, namespace: n, workload: { kind: Deployment, name: catalog } }]\nrunbooks:\n${runbooks}`;
    await writeFile(join(dir, 'fresh.yaml'), config('  - { name: code-rollback-argocd, file: ./fresh.md }\n'));
    await writeFile(join(dir, 'all.yaml'), config('  - { name: code-rollback-argocd, file: ./fresh.md }\n  - { name: config-rollback, file: ./stale.md }\n  - { name: data-rollback, file: ./missing.md }\n'));
    const env = { ...process.env, NO_COLOR: '1' };
    const ok = await runCliInProcess(['runbooks', '--config', join(dir, 'fresh.yaml')], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`code-rollback-argocd\\s+${daysAgo(10)}\\s+10d\\s+fresh`));
    const all = await runCliInProcess(['runbooks', '--config', join(dir, 'all.yaml'), '-o', 'json'], { env });
    assert.equal(all.code, 1);
    const doc = JSON.parse(all.stdout) as { name: string; state: string; ageDays: number | null }[];
    assert.deepEqual(doc.map((r) => [r.name, r.state, r.ageDays]), [['code-rollback-argocd', 'fresh', 10], ['config-rollback', 'stale', 91], ['data-rollback', 'unreadable', null]]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
