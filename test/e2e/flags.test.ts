/**
 * Issue 14 end to end: the real CLI against the sandbox. The `flag` scenario's release only turns
 * catalog.new-search on in the region's flagd file; Argo CD renders it into the ConfigMap the
 * catalog Pods mount, their flagd evaluates it, and p99 regresses. rewind covers the release with
 * the declared flag, pushes a commit turning it off, waits until the synced ConfigMap evaluates
 * it off, and proves recovery by metrics; the Deployment is never touched.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident } from './incident.ts';

const run = promisify(execFile);
const NS = 'bookstore-platform-acme-books';

interface Step {
  kind: string;
  status: string;
  evidence: string[];
  error?: string;
  failure?: string;
}
interface RunDoc {
  runId: string;
  status: string;
  steps: Step[];
}
interface PlanDoc {
  preflight: { id: string; detail: string }[];
  decision: string;
  mechanism: string | null;
  reasons: string[];
  warnings: string[];
  rejected: { mechanism: string; reason: string }[];
  to: { kind: string; flags?: string[] } | null;
  steps: { kind: string; title: string; params: Record<string, unknown> }[];
}

let sb: SandboxProcess;

const kubectl = async (context: string, ...args: string[]): Promise<string> =>
  (await run('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', context, '-n', NS, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: sb.dir } })).stdout;

/** What `kubectl rollout history` rests on: the Deployment's generation and its ReplicaSets. */
async function deploymentState(context: string): Promise<{ generation: number; replicaSets: string[] }> {
  const d = JSON.parse(await kubectl(context, 'get', 'deployment', 'catalog', '-o', 'json')) as { metadata: { generation: number } };
  const rs = JSON.parse(await kubectl(context, 'get', 'replicasets', '-l', 'app=catalog', '-o', 'json')) as { items: { metadata: { name: string } }[] };
  return { generation: d.metadata.generation, replicaSets: rs.items.map((r) => r.metadata.name).sort() };
}

async function flagInConfigMap(context: string): Promise<string> {
  const cm = JSON.parse(await kubectl(context, 'get', 'configmap', 'catalog-flags', '-o', 'json')) as { data: Record<string, string> };
  const doc = JSON.parse(cm.data['flags.flagd.json'] ?? '{}') as { flags: Record<string, { defaultVariant: string }> };
  return doc.flags['catalog.new-search']?.defaultVariant ?? 'missing';
}

/** Plans until the seed's alert fires (the Pods flip at their next kubelet sync, then a [1m] window and for: 1m). */
async function planOnceFiring(app: string, env?: NodeJS.ProcessEnv): Promise<PlanDoc> {
  const i = incident(sb, app, env);
  let plan: PlanDoc | undefined;
  for (let n = 0; n < 160; n++) {
    const p = await i.json<PlanDoc>(['plan', app]);
    assert.equal(p.r.code, 0, p.r.stderr);
    plan = p.doc;
    if (plan.preflight.some((c) => c.id === 'metrics' && /firing since/.test(c.detail))) return plan;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`the alert never fired: ${JSON.stringify(plan?.preflight)}`);
}

/** The sandbox's rewind.yaml with `edit` applied, written beside it. */
async function configVariant(name: string, edit: (doc: { apps: Record<string, unknown>[] }) => void): Promise<NodeJS.ProcessEnv> {
  const doc = parse(await readFile(sb.configFile, 'utf8')) as { apps: Record<string, unknown>[] };
  edit(doc);
  const file = join(sb.dir, `rewind-${name}.yaml`);
  await writeFile(file, stringify(doc));
  return { REWIND_CONFIG: file };
}

describe('the feature-flag kill switch on flagd-in-git', () => {
  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
  });
  after(async () => {
    await sb?.stop();
  });

  test('a release that only turned a flag on: rewind turns it off in git, Argo CD ships it, p99 recovers, no Deployment touched', async () => {
    const app = 'bookstore-catalog-us-east';
    const i = incident(sb, app);
    const before = await i.status();
    const b = await i.run(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'flag']);
    assert.equal(b.code, 0, b.stderr);
    await i.until('the flag release deployed', (s) => s.historyId > before.historyId && s.sync === 'Synced');
    assert.equal(await flagInConfigMap('us-east'), 'on', 'Argo CD rendered the flagd file into the ConfigMap');
    const deployment = await deploymentState('us-east');

    // The regression shows in the metrics once the Pods' flagd re-reads its volume: wait on the alert.
    const plan = await planOnceFiring(app);
    const p99 = Number(/catalog-p99-latency = (\d+(?:\.\d+)?)/.exec(plan.preflight.find((c) => c.id === 'metrics')?.detail ?? '')?.[1]);
    assert.ok(p99 > 0.5, `the Pods evaluate the flag on and got slow: p99 ${p99}`);
    assert.ok(plan);
    assert.equal(plan.mechanism, 'feature-flag', JSON.stringify(plan.rejected));
    assert.deepEqual(plan.to, { kind: 'flag-off', flags: ['catalog.new-search'], revision: '', historyId: null });
    assert.deepEqual(plan.steps.map((s) => s.kind), ['argocd.write-hold', 'flag.off', 'flag.wait-applied', 'verify.metrics', 'argocd.release-hold']);
    assert.ok(plan.reasons.some((r) => /only turned catalog\.new-search on/.test(r)), plan.reasons.join('\n'));
    assert.ok(plan.reasons.some((r) => /apps\/catalog\/us-east\/flags\.flagd\.json @@ .* @@: turns catalog\.new-search on/.test(r)), 'the hunk-by-hunk evidence');
    assert.match(plan.rejected.find((r) => r.mechanism === 'argocd-rollback')?.reason ?? '', /applies, but feature-flag comes first in the decision tree/);

    const r = await i.json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 0, r.r.stdout + r.r.stderr);
    assert.equal(r.doc.status, 'verified', JSON.stringify(r.doc.steps));
    const off = r.doc.steps.find((s) => s.kind === 'flag.off');
    assert.match(off?.evidence[0] ?? '', /turned catalog\.new-search off in main \(commit [0-9a-f]{7}\): was on \(default variant on\), now off \(default variant off\)/);
    assert.ok(off?.evidence.some((e) => /previous definition \(for rewind flags restore\): \{"state":"ENABLED","variants":\{"on":true,"off":false\},"defaultVariant":"on"\}/.test(e)), JSON.stringify(off));
    assert.match(r.doc.steps.find((s) => s.kind === 'flag.wait-applied')?.evidence[0] ?? '', /evaluates off where the workload reads it .*configmaps\/catalog-flags/);
    assert.equal(r.doc.steps.find((s) => s.kind === 'verify.metrics')?.status, 'succeeded');
    assert.equal(await flagInConfigMap('us-east'), 'off');
    assert.deepEqual(await deploymentState('us-east'), deployment, 'no Deployment touched: same generation, same ReplicaSets');
    const after = await i.status();
    assert.equal(after.hold, null, 'the hold is released');
    assert.equal(after.syncPolicy.autoSync, true, 'auto-sync was never turned off: it is what shipped the flip');
    // The flip is a commit on the tracked branch, the bad release's own commit still below it.
    const log = (await run('git', ['-C', sb.configRepo.path, 'log', '-2', '--format=%s', sb.configRepo.branch])).stdout.split('\n');
    assert.deepEqual(log.slice(0, 2), ['rewind: turn catalog.new-search off', 'catalog: turn on catalog.new-search in us-east']);

    // Turning the feature on again is a person's call: `flags restore` does it on request, from what the run journaled.
    const dry = await i.run(['flags', 'restore', r.doc.runId, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /catalog\.new-search: dry run: would put catalog\.new-search back to \{"state":"ENABLED","variants":\{"on":true,"off":false\},"defaultVariant":"on"\}/);
    const refused = await i.run(['flags', 'restore', r.doc.runId]);
    assert.equal(refused.code, 1, 'no terminal to confirm on: refused');
    const restored = await i.run(['flags', 'restore', r.doc.runId, '--yes']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /catalog\.new-search: put catalog\.new-search back in main \(commit [0-9a-f]{7}\)/);
    await i.until('Argo CD ships the restore', (s) => s.historyId > after.historyId && s.sync === 'Synced');
    for (let n = 0; n < 120 && (await flagInConfigMap('us-east')) !== 'on'; n++) await new Promise((res) => setTimeout(res, 250));
    assert.equal(await flagInConfigMap('us-east'), 'on');
    const again = await i.json<{ flags: { outcome: string }[] }>(['flags', 'restore', r.doc.runId, '--yes']);
    assert.deepEqual(again.doc.flags.map((f) => f.outcome), ['unchanged'], 'idempotent');
  });

  test('a flag that covers only part of the change (the image moved too) is declined with the uncovered hunk; Argo CD rollback is chosen', async () => {
    const app = 'bookstore-catalog-eu-west';
    const i = incident(sb, app);
    const good = await i.status();
    const b = await i.run(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'flag']);
    assert.equal(b.code, 0, b.stderr);
    await i.until('the flag release deployed', (s) => s.historyId > good.historyId && s.sync === 'Synced');
    await i.breakIt();
    // Back to before the flag: the window holds the flag commit and the image bump.
    const p = await i.json<PlanDoc>(['plan', app, '--to', String(good.historyId)]);
    assert.equal(p.r.code, 0, p.r.stderr);
    assert.equal(p.doc.mechanism, 'argocd-rollback');
    const why = p.doc.rejected.find((r) => r.mechanism === 'feature-flag')?.reason ?? '';
    const m = /^a declared flag covers only part of the change: (\d+) of (\d+) changed hunks of [0-9a-f]{7}\.\.[0-9a-f]{7} are gated by no declared flag: apps\/catalog\/eu-west\/kustomization\.yaml @@/.exec(why);
    assert.ok(m && Number(m[1]) === Number(m[2]) - 1, why);
  });

  test('a flip whose metrics do not recover ends failed with the numbers (exit 4); the flag stays off', async () => {
    const app = 'bookstore-catalog-us-east';
    const i = incident(sb, app);
    // After the first test's restore the flag is on again: that commit is a release that only turned it on.
    if ((await flagInConfigMap('us-east')) !== 'on') {
      const before = await i.status();
      const b = await i.run(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'flag']);
      assert.equal(b.code, 0, b.stderr);
      await i.until('the flag release deployed', (s) => s.historyId > before.historyId && s.sync === 'Synced');
    }
    // A bar the healthy catalog cannot meet (its p99 is ~0.2 s): turning the flag off cannot prove recovery.
    const strict = await configVariant('strict', (doc) => {
      const entry = doc.apps.find((a) => a['name'] === app);
      assert.ok(entry);
      entry['verify'] = { deadline: '3m', metrics: [{ name: 'catalog-p99-strict', query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog",cluster="us-east"}[1m])))', successCondition: 'result[0] < 0.01', interval: '15s' }] };
    });
    const r = await incident(sb, app, strict).json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 4, r.r.stdout + r.r.stderr);
    assert.equal(r.doc.status, 'failed');
    assert.equal(r.doc.steps.find((s) => s.kind === 'flag.off')?.status, 'succeeded');
    const m = r.doc.steps.find((s) => s.kind === 'verify.metrics');
    assert.deepEqual([m?.status, m?.failure], ['failed', 'verification'], JSON.stringify(m));
    const value = Number(/is false for \[(\d+(?:\.\d+)?)/.exec(m?.error ?? '')?.[1]);
    assert.ok(value > 0.01 && value < 0.5, `the numbers: ${m?.error ?? ''}`);
    assert.equal(await flagInConfigMap('us-east'), 'off', 'a failed verification does not flip the flag back');
  });
});
