import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident } from './incident.ts';

interface Step {
  kind: string;
  status: string;
  evidence: string[];
  error?: string;
  failure?: string;
}
interface RunDoc {
  status: string;
  runStatus: string;
  steps: Step[];
}
interface PlanDoc {
  preflight: { id: string; status: string; detail: string; evidence: { claim: string; source: string }[] }[];
  steps: { kind: string; title: string; checks: string[]; params: { deadlineMs: number; metrics: { query: string }[] } }[];
}

const metricsStep = (doc: RunDoc | undefined) => doc?.steps.find((s) => s.kind === 'verify.metrics');

/**
 * Issue 12 end to end: the real CLI against the sandbox, whose Prometheus-compatible API serves
 * metrics that follow the images the Pods run (the bad catalog build makes p99 high). The
 * sandbox runs at speed 20; rewind measures on the store's clock, so the seed's [5m] window and
 * 30 s interval take seconds here. Each test breaks its own app.
 */
/**
 * Only catalog-us-east, orders-us-east and catalog-eu-west roll back without an owner getting in
 * the way today; each test takes one app of one sandbox, so the file starts two.
 */
function onSandbox(title: string, tests: (h: Harness) => void): void {
  describe(title, () => {
    const h = {} as Harness;
    before(async () => {
      h.sb = await startSandboxProcess({ speed: 20 });
      h.env = { REWIND_CONFIG: h.sb.configFile };
    });
    after(async () => {
      await h.sb?.stop();
    });
    tests(h);
  });
}

interface Harness {
  sb: SandboxProcess;
  env: NodeJS.ProcessEnv;
}

/** The sandbox's rewind.yaml, changed by `edit`, written beside it (relative paths stay valid). */
async function configVariant(h: Harness, name: string, edit: (doc: Record<string, unknown> & { apps: Record<string, unknown>[] }) => void): Promise<NodeJS.ProcessEnv> {
  const doc = parse(await readFile(h.sb.configFile, 'utf8')) as Record<string, unknown> & { apps: Record<string, unknown>[] };
  edit(doc);
  const file = join(h.sb.dir, `rewind-${name}.yaml`);
  await writeFile(file, stringify(doc));
  return { REWIND_CONFIG: file };
}

/** CI ships `scenario` to `app`; returns once Argo CD synced it and the Pods run it. */
async function breakWith(h: Harness, app: string, scenario?: string) {
  const i = incident(h.sb, app, h.env);
  if (scenario === undefined) return i.breakIt();
  const before = await i.status();
  const b = await i.run(['sandbox', 'break', app, '--dir', h.sb.dir, '--scenario', scenario]);
  assert.equal(b.code, 0, b.stderr);
  return i.until('the bad deploy', (s) => s.historyId > before.historyId && s.sync === 'Synced' && s.health === 'Healthy');
}

onSandbox('proof of recovery by metrics, end to end: verified, Failed, Inconclusive', (h) => {

  test('the seed incident: plan shows the alert and its activeAt, the rollback waits until p99 is back under 0.5 s (exit 0)', async () => {
    const app = 'bookstore-catalog-us-east';
    const i = incident(h.sb, app, h.env);
    await breakWith(h, app);
    // The alert fires on its own ([1m] window, for: 1m of sandbox time): wait on that condition.
    let plan: PlanDoc | undefined;
    for (let n = 0; n < 120; n++) {
      plan = (await i.json<PlanDoc>(['plan', app])).doc;
      if (plan?.preflight.some((c) => c.id === 'metrics' && /BookstoreCatalogP99Latency firing since/.test(c.detail))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const metrics = plan?.preflight.find((c) => c.id === 'metrics');
    assert.match(metrics?.detail ?? '', /catalog-p99-latency = (\d+(?:\.\d+)?) \(ok if result\[0\] < 0\.5\): Failed/, JSON.stringify(metrics));
    const before = Number(/catalog-p99-latency = (\d+(?:\.\d+)?)/.exec(metrics?.detail ?? '')?.[1]);
    assert.ok(before > 0.5, `p99 before the rollback: ${before}`);
    assert.match(metrics?.detail ?? '', /the regression started -?\d+ min after history \d+ synced/);
    const activeAt = /firing since (\S+?Z)/.exec(metrics?.detail ?? '')?.[1] ?? '';
    assert.ok(!Number.isNaN(Date.parse(activeAt)), activeAt);
    // The alert's activeAt replaces --alert-at in the deploy/alert correlation.
    const correlation = plan?.preflight.find((c) => c.id === 'correlation');
    assert.ok(correlation?.evidence.some((e) => e.claim === `alert fired at ${activeAt}` && /prometheus alert BookstoreCatalogP99Latency activeAt/.test(e.source)), JSON.stringify(correlation));
    const step = plan?.steps.find((s) => s.kind === 'verify.metrics');
    assert.match(step?.params.metrics[0]?.query ?? '', /service="catalog",cluster="us-east"/, 'the seed default selects the app\'s cluster');
    assert.ok(step?.checks.some((c) => /a \[5m\] window keeps catalog-p99-latency failing for up to ~5m after recovery/.test(c)), JSON.stringify(step));

    const r = await i.json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 0, r.r.stderr);
    assert.equal(r.doc.status, 'verified');
    const m = metricsStep(r.doc);
    assert.equal(m?.status, 'succeeded', JSON.stringify(m));
    const line = m?.evidence.find((e) => e.startsWith('catalog-p99-latency: ')) ?? '';
    const last = Number(/-> (\d+(?:\.\d+)?) \(Successful\)|^catalog-p99-latency: (\d+(?:\.\d+)?) \(Successful\)/.exec(line)?.slice(1).find(Boolean));
    assert.ok(last < 0.5, `p99 after: ${line}`);
    assert.match(m?.evidence[0] ?? '', /3 successful measurements in a row/);
    assert.match(r.r.stderr, /catalog-p99-latency = [\d.]+: Successful, 3\/3 in a row/, 'progress shows each measurement');
  });

  test('a rollback whose previous revision is slow too ends Failed with the numbers (exit 4)', async () => {
    const app = 'bookstore-catalog-eu-west';
    await breakWith(h, app, 'slow-good');
    const r = await incident(h.sb, app, h.env).json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 4, r.r.stdout + r.r.stderr);
    assert.equal(r.doc.status, 'failed');
    const m = metricsStep(r.doc);
    assert.deepEqual([m?.status, m?.failure], ['failed', 'verification'], JSON.stringify(m));
    assert.match(m?.error ?? '', /^Failed: Metric "catalog-p99-latency" assessed Failed due to the deadline passed .*successCondition "result\[0\] < 0\.5" is false for \[(\d+(?:\.\d+)?)\]/);
    const value = Number(/is false for \[(\d+(?:\.\d+)?)/.exec(m?.error ?? '')?.[1]);
    assert.ok(value > 0.5, m?.error);
    assert.ok(r.doc.steps.find((s) => s.kind === 'verify.digest')?.status === 'succeeded', 'the good image does run: the metrics are what failed');
  });

  test('a query that returns nothing ends Inconclusive (exit 4), never a pass', async () => {
    const app = 'bookstore-orders-us-east';
    const ghost = await configVariant(h, 'ghost', (doc) => {
      const entry = doc.apps.find((a) => a['name'] === app);
      assert.ok(entry);
      entry['verify'] = { deadline: '2m', metrics: [{ name: 'ghost', query: 'sum(rate(http_requests_total{service="nope"}[1m]))', successCondition: 'result[0] < 0.01', interval: '15s' }] };
    });
    await breakWith(h, app);
    const r = await incident(h.sb, app, ghost).json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 4, r.r.stdout + r.r.stderr);
    const m = metricsStep(r.doc);
    assert.deepEqual([m?.status, m?.failure], ['failed', 'verification'], JSON.stringify(m));
    assert.match(m?.error ?? '', /^Inconclusive: .*ghost.*the query returned no data/);
  });

});

onSandbox('proof of recovery by metrics, end to end: Prometheus down, not configured', (h) => {
  test('Prometheus down: the step fails as a system failure (exit 3), naming what could not be reached', async () => {
    const app = 'bookstore-catalog-us-east';
    const i = incident(h.sb, app, h.env);
    await breakWith(h, app);
    const down = await i.run(['sandbox', 'fault', 'metrics-down', '--dir', h.sb.dir]);
    assert.equal(down.code, 0, down.stderr);
    try {
      const plan = await i.json<PlanDoc>(['plan', app]);
      assert.equal(plan.r.code, 0, 'a plan does not need the metrics: it says what it could not read');
      assert.ok(plan.doc.preflight.find((c) => c.id === 'metrics')?.evidence.some((e) => /could not be read: .*refused/i.test(e.claim)), JSON.stringify(plan.doc.preflight));
      const r = await i.json<RunDoc>(['rollback', app, '--yes']);
      assert.equal(r.r.code, 3, r.r.stdout + r.r.stderr);
      const m = metricsStep(r.doc);
      assert.deepEqual([m?.status, m?.failure], ['failed', 'system'], JSON.stringify(m));
      assert.match(m?.error ?? '', /^Prometheus could not be reached: .*refused/i);
    } finally {
      await i.run(['sandbox', 'fault', 'metrics-up', '--dir', h.sb.dir]);
    }
  });

  test('no Prometheus configured: the run ends rolled-back, not verified, saying metrics were not checked (exit 0)', async () => {
    const app = 'bookstore-orders-us-east';
    const none = await configVariant(h, 'no-prometheus', (doc) => {
      delete doc['prometheus'];
    });
    await breakWith(h, app);
    const i = incident(h.sb, app, none);
    const plan = await i.json<PlanDoc>(['plan', app]);
    assert.match(plan.doc.preflight.find((c) => c.id === 'metrics')?.detail ?? '', /metrics will not be checked \(rewind.yaml has no prometheus section\)/);
    const r = await i.json<RunDoc>(['rollback', app, '--yes']);
    assert.equal(r.r.code, 0, r.r.stdout + r.r.stderr);
    assert.equal(r.doc.status, 'rolled-back');
    const m = metricsStep(r.doc);
    assert.equal(m?.status, 'skipped');
    assert.match(m?.evidence[0] ?? '', /^metrics were not checked: rewind.yaml has no prometheus section/);
  });
});
