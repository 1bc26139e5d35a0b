import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../core/decide.ts';
import { AdapterError } from '../../core/errors.ts';
import { exitCodeForRun } from '../../core/exit-codes.ts';
import type { QueryResult } from '../../core/metrics.ts';
import type { Plan, PlanStep } from '../../core/plan.ts';
import type { Clock, ClusterClient, GitOpsClient, JournalStore, MetricsSource } from '../../core/ports.ts';
import type { VerifyMetricsParams } from '../../core/steps/verify-steps.ts';
import { FakeFacts, SEED } from '../../testing/fake-facts.ts';
import { executePlan } from '../execute-plan.ts';
import type { ProgressEvent, StepContext } from '../step-context.ts';
import { verifyMetrics } from './verify-metrics-step.ts';

/** A clock that moves only when slept on: no wall-clock time in these tests. */
function manualClock(start = Date.parse(SEED.now)): Clock {
  let t = start;
  return { now: () => new Date(t), sleep: (ms) => ((t += ms), Promise.resolve()) };
}

/**
 * A store on the same clock whose p99 is `value(t)` (undefined: no series); `time()` answers
 * the store's now, `speed` times faster than the local clock since `start`, as the sandbox's does.
 */
function store(clock: Clock, value: (storeMs: number) => number | undefined | Error, speed = 1): MetricsSource & { queries: string[] } {
  const start = clock.now().getTime();
  const storeNow = () => start + (clock.now().getTime() - start) * speed;
  const queries: string[] = [];
  return {
    queries,
    query(q): Promise<QueryResult> {
      queries.push(q);
      if (q === 'time()') return Promise.resolve({ kind: 'scalar', sample: { t: storeNow() / 1000, v: storeNow() / 1000 } });
      const v = value(storeNow() - start);
      if (v instanceof Error) return Promise.reject(v);
      return Promise.resolve({ kind: 'vector', series: v === undefined ? [] : [{ labels: {}, sample: { t: storeNow() / 1000, v } }] });
    },
    queryRange: () => Promise.reject(new Error('unused')),
    alerts: () => Promise.resolve([]),
  };
}

const unused = <T>(): T => new Proxy({}, { get: () => () => Promise.reject(new Error('not used by verify.metrics')) }) as T;
const plan = decide(FakeFacts.seed().build());
const planStep = plan.steps.find((s) => s.kind === 'verify.metrics') as PlanStep<VerifyMetricsParams>;

function context(over: Partial<StepContext> & { clock: Clock }, events: ProgressEvent[] = []): StepContext {
  return {
    gitops: unused<GitOpsClient>(),
    cluster: unused<ClusterClient>(),
    progress: (e) => events.push(e),
    plan,
    runId: 'r1',
    actor: 'test',
    host: 'h',
    index: plan.steps.indexOf(planStep),
    signal: new AbortController().signal,
    deadline: Number.POSITIVE_INFINITY,
    dryRun: false,
    ...over,
  };
}

describe('verify.metrics in the plan', () => {
  it("freezes the seed's catalog check for the app's cluster, with a deadline from the [5m] window", () => {
    assert.equal(planStep.phase, 'verify');
    const p = planStep.params;
    assert.equal(p.origin, 'seed-default');
    assert.match(p.metrics[0]?.query ?? '', /service="catalog",cluster="us-east"\}\[5m\]/);
    // 5m window + 2 × 30 s to get 3 successes in a row + 2 × 15 s scrapes + the 90 s rollout.
    assert.equal(p.deadlineMs, 300_000 + 60_000 + 30_000 + 90_000);
    assert.ok(planStep.checks.includes('a [5m] window keeps catalog-p99-latency failing for up to ~5m after recovery'), planStep.checks.join('\n'));
  });

  it('says so when nothing will be checked', () => {
    const facts = FakeFacts.seed().build();
    const none = decide({ ...facts, app: { ...facts.app, workload: { ...facts.app.workload, name: 'inventory' } } });
    const s = none.steps.find((x) => x.kind === 'verify.metrics');
    assert.match(s?.title ?? '', /^Metrics: not checked \(.* declares no verify.metrics and the seed has no default for inventory\)/);
    assert.deepEqual(s?.checks, ['the run ends rolled-back, not verified']);
  });
});

describe('the verify.metrics handler', () => {
  it('waits out the window: Failed while old samples count, then 3 successes in a row (on the store clock)', async () => {
    const clock = manualClock();
    // p99 recovers 3 store-minutes into the step; the store's clock runs 20 times faster.
    const source = store(clock, (t) => (t < 180_000 ? 1.4 : 0.3), 20);
    const events: ProgressEvent[] = [];
    const out = await verifyMetrics.run(planStep.params, context({ clock, metrics: source }, events), planStep);
    assert.equal(out.status, 'succeeded', JSON.stringify(out));
    assert.match(out.evidence[1] ?? '', /^catalog-p99-latency: 1\.4 \(Failed\) -> 0\.3 \(Successful\) \[ok if result\[0\] < 0\.5\]/);
    const waits = events.flatMap((e) => (e.kind === 'waiting' ? [e.message] : []));
    assert.match(waits[0] ?? '', /store's clock runs x20\.0/);
    assert.match(waits.at(-1) ?? '', /catalog-p99-latency = 0\.3: Successful, 3\/3 in a row/);
    // 30 store-seconds apart is 1.5 local seconds: about 9 measurements, not 9 × 30 local seconds.
    assert.ok(source.queries.filter((q) => q !== 'time()').length <= 10, String(source.queries.length));
  });

  it('still slow at the deadline: a verification failure with the numbers (exit 4)', async () => {
    const clock = manualClock();
    const out = await verifyMetrics.run(planStep.params, context({ clock, metrics: store(clock, () => 0.93) }), planStep);
    assert.deepEqual([out.status, out.failure], ['failed', 'verification']);
    assert.match(out.error ?? '', /^Failed: Metric "catalog-p99-latency" assessed Failed due to the deadline passed .*false for \[0\.93\]/);
  });

  it('a query that returns nothing: Inconclusive, a verification failure, never a pass', async () => {
    const clock = manualClock();
    const out = await verifyMetrics.run(planStep.params, context({ clock, metrics: store(clock, () => undefined) }), planStep);
    assert.deepEqual([out.status, out.failure], ['failed', 'verification']);
    assert.match(out.error ?? '', /^Inconclusive: .*the query returned no data/);
  });

  it('Prometheus unreachable: a system failure (exit 3), at once or after consecutive errors', async () => {
    const down = new AdapterError('prometheus', 'query', 'cannot reach http://127.0.0.1:9 (connection refused)', { transient: true });
    const clock = manualClock();
    const atOnce = await verifyMetrics.run(planStep.params, context({ clock, metrics: { query: () => Promise.reject(down), queryRange: () => Promise.reject(down), alerts: () => Promise.reject(down) } }), planStep);
    assert.deepEqual([atOnce.status, atOnce.failure], ['failed', 'system']);
    assert.match(atOnce.error ?? '', /^Prometheus could not be reached: .*connection refused/);
    const later = await verifyMetrics.run(planStep.params, context({ clock, metrics: store(clock, () => down) }), planStep);
    assert.deepEqual([later.status, later.failure], ['failed', 'system']);
    assert.match(later.error ?? '', /consecutiveErrors \(5\) > consecutiveErrorLimit \(4\)/);
  });

  it('no Prometheus: skipped, saying metrics were not checked; with requireMetrics a verification failure', async () => {
    const clock = manualClock();
    const skipped = await verifyMetrics.run(planStep.params, context({ clock }), planStep);
    assert.equal(skipped.status, 'skipped');
    assert.match(skipped.evidence[0] ?? '', /^metrics were not checked: rewind.yaml has no prometheus section/);
    const strict = await verifyMetrics.run({ ...planStep.params, requireMetrics: true }, context({ clock }), planStep);
    assert.deepEqual([strict.status, strict.failure], ['failed', 'verification']);
    assert.match(strict.error ?? '', /verify.requireMetrics is set/);
  });

  it('a dry run measures nothing', async () => {
    const clock = manualClock();
    const source = store(clock, () => 0.1);
    const out = await verifyMetrics.run(planStep.params, context({ clock, metrics: source, dryRun: true }), planStep);
    assert.equal(out.status, 'skipped');
    assert.equal(source.queries.length, 0);
  });
});

describe('a run whose metrics were not checked', () => {
  const journal: JournalStore = { append: () => Promise.resolve(), read: () => Promise.resolve([]), listRuns: () => Promise.resolve([]), acquireLease: () => Promise.resolve(() => Promise.resolve()), close: () => Promise.resolve() };
  const only: Plan = { ...plan, steps: [planStep] };
  const execute = (metrics?: MetricsSource, clock = manualClock()) =>
    executePlan(
      { gitops: unused<GitOpsClient>(), cluster: unused<ClusterClient>(), clock, progress: () => {}, journal, handlers: new Map([[verifyMetrics.definition.kind, verifyMetrics]]), host: 'h', ...(metrics ? { metrics } : {}) },
      { runId: 'r1', plan: only, actor: 't', timeoutMs: 60_000, signal: new AbortController().signal, dryRun: false },
    );

  it('ends rolled-back (exit 0), never verified; a recovered one ends verified', async () => {
    const unchecked = await execute();
    assert.equal(unchecked.status, 'rolled-back');
    assert.equal(exitCodeForRun(unchecked.status, unchecked.failure), 0);
    const clock = manualClock();
    const checked = await execute(store(clock, () => 0.2), clock);
    assert.equal(checked.status, 'verified');
  });
});
