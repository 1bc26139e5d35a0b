/**
 * `rewind verify APP`: the app's recovery checks (its own `verify.metrics`, or the seed's alert
 * for the service) measured now, or watched until recovered (`--watch`, the very loop the
 * rollback's `verify.metrics` step runs). Nothing measured is never "ok": an app with no metrics,
 * or no Prometheus to ask, is reported as not checked.
 */
import { measure, compileMetric, describeConditions, type Measurement, type MeasurementPhase, type MetricSpec } from '../core/analysis/analysis.ts';
import { firingAlertFor, regressionStart, type MetricsFacts } from '../core/analysis/evidence.ts';
import { recoveryDeadlineMs, resolveVerification, type VerificationSpec } from '../core/analysis/verification.ts';
import { isRewindError } from '../core/errors.ts';
import { ExitCode } from '../core/exit-codes.ts';
import type { MetricsAlert, Sample } from '../core/metrics.ts';
import type { MetricsSource } from '../core/ports.ts';
import { Fact, type Facts } from '../core/facts.ts';
import { runAnalysis } from '../executor/verify/run-analysis.ts';
import { readStoreTime, storeClock } from '../executor/verify/store-clock.ts';
import type { AppContext } from './app-context.ts';

export type VerifyOutcome = MeasurementPhase | 'NotChecked';

export interface CheckResult {
  readonly name: string;
  readonly query: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly phase: MeasurementPhase;
  readonly values: readonly number[];
  readonly message?: string;
  /** The query over the last minutes (max over series per step), for a sparkline. */
  readonly history?: readonly Sample[];
}

export interface VerifyReport {
  readonly app: string;
  readonly origin: VerificationSpec['origin'];
  readonly prometheus: string | null;
  readonly at: string;
  readonly outcome: VerifyOutcome;
  readonly reason: string;
  readonly requireMetrics: boolean;
  readonly checks: readonly CheckResult[];
}

/** 0 recovered · 4 failed, inconclusive, or not checked under requireMetrics · 3 the store failed. */
export function verifyExitCode(r: Pick<VerifyReport, 'outcome' | 'requireMetrics'>): number {
  switch (r.outcome) {
    case 'Successful':
      return ExitCode.Ok;
    case 'Error':
      return ExitCode.SystemFailed;
    case 'NotChecked':
      return r.requireMetrics ? ExitCode.VerificationFailed : ExitCode.Ok;
    default:
      return ExitCode.VerificationFailed;
  }
}

const WORST: readonly MeasurementPhase[] = ['Successful', 'Inconclusive', 'Error', 'Failed'];

interface Prepared {
  readonly app: string;
  readonly spec: VerificationSpec;
  readonly source: MetricsSource | undefined;
  readonly base: Omit<VerifyReport, 'outcome' | 'reason' | 'checks'>;
}

function withoutUserInfo(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

async function prepare(ctx: AppContext, appName: string): Promise<Prepared> {
  const app = ctx.app(appName);
  const spec = resolveVerification(app.verify, app.workload.name, app.workload.cluster);
  const source = await ctx.metrics();
  return {
    app: appName,
    spec,
    source,
    base: { app: appName, origin: spec.origin, prometheus: withoutUserInfo(ctx.config.prometheus?.url), at: ctx.clock.now().toISOString(), requireMetrics: spec.requireMetrics },
  };
}

function notChecked(p: Prepared): VerifyReport | undefined {
  if (p.spec.metrics.length === 0) {
    return { ...p.base, outcome: 'NotChecked', reason: `metrics were not checked: ${p.app} declares no verify.metrics and the seed has no default for its service`, checks: [] };
  }
  if (p.source === undefined) {
    return { ...p.base, outcome: 'NotChecked', reason: 'metrics were not checked: rewind.yaml has no prometheus section', checks: [] };
  }
  return undefined;
}

/**
 * The store's now: queries are evaluated and windows read on its clock, which is not rewind's
 * when it runs faster (the sandbox) or is skewed. rewind's own clock when the store cannot say.
 */
async function storeNow(ctx: AppContext, source: MetricsSource, signal?: AbortSignal): Promise<Date> {
  const t = await readStoreTime(source, ctx.clock, signal).catch((e: unknown) => {
    if (!isRewindError(e)) throw e;
    return undefined;
  });
  return t === undefined ? ctx.clock.now() : new Date(t.store);
}

const describe = (m: MetricSpec) => ({
  name: m.name,
  query: m.query,
  ...(m.successCondition !== undefined ? { successCondition: m.successCondition } : {}),
  ...(m.failureCondition !== undefined ? { failureCondition: m.failureCondition } : {}),
});

function summarise(p: Prepared, checks: readonly CheckResult[]): VerifyReport {
  const worst = checks.reduce<MeasurementPhase>((w, c) => (WORST.indexOf(c.phase) > WORST.indexOf(w) ? c.phase : w), 'Successful');
  const bad = checks.find((c) => c.phase === worst && c.phase !== 'Successful');
  const reason = bad ? `${bad.name}: ${bad.message ?? bad.phase}` : `all ${checks.length} check(s) pass`;
  return { ...p.base, outcome: worst, reason, checks };
}

/** Every check measured once, now; with `historyMinutes`, also its recent values for a sparkline. */
export async function verifyNow(ctx: AppContext, appName: string, opts: { historyMinutes?: number; signal?: AbortSignal; now?: Date } = {}): Promise<VerifyReport> {
  const p = await prepare(ctx, appName);
  const none = notChecked(p);
  if (none || !p.source) return none ?? summarise(p, []);
  const source = p.source;
  // `now`: the store's time as the caller just read it (metricsEvidence), not read a second time.
  const now = opts.now ?? (await storeNow(ctx, source, opts.signal));
  const checks = await Promise.all(
    p.spec.metrics.map(async (spec): Promise<CheckResult> => {
      const metric = compileMetric(spec);
      const signal = opts.signal ? { signal: opts.signal } : {};
      let m: Measurement;
      try {
        m = measure(metric, await source.query(spec.query, { time: now, ...signal }), now.getTime());
      } catch (e) {
        if (!isRewindError(e)) throw e;
        m = measure(metric, { error: e.message }, now.getTime());
      }
      let history: Sample[] | undefined;
      if (opts.historyMinutes && m.phase !== 'Error') {
        // 40 steps ending exactly now, so the newest point is the value just measured.
        const step = Math.max(1, Math.ceil((opts.historyMinutes * 60) / 40));
        const start = new Date(now.getTime() - 40 * step * 1000);
        const range = await source.queryRange(spec.query, { start, end: now, stepSeconds: step }, signal).catch(() => undefined);
        const byTime = new Map<number, number>();
        for (const s of range?.series ?? []) for (const x of s.samples) byTime.set(x.t, Math.max(byTime.get(x.t) ?? Number.NEGATIVE_INFINITY, x.v));
        history = [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
      }
      return { ...describe(spec), phase: m.phase, values: m.values, ...(m.message ? { message: m.message } : {}), ...(history ? { history } : {}) };
    }),
  );
  return summarise(p, checks);
}

/**
 * Measures until recovered (consecutiveSuccessLimit in a row), failed, or the deadline: the
 * given one, the app's `verify.deadline`, or the longest query window plus two scrape intervals.
 */
export async function watchRecovery(
  ctx: AppContext,
  appName: string,
  opts: { deadlineMs?: number; signal?: AbortSignal; onMeasurement?: (metric: string, m: Measurement) => void },
): Promise<VerifyReport & { readonly deadlineMs: number }> {
  const p = await prepare(ctx, appName);
  const scrape = ctx.config.prometheus?.scrapeIntervalMs ?? 15_000;
  const deadlineMs = opts.deadlineMs ?? p.spec.deadlineMs ?? recoveryDeadlineMs(p.spec.metrics, { scrapeIntervalMs: scrape, rolloutMs: 0 });
  const none = notChecked(p);
  if (none || !p.source) return { ...(none ?? summarise(p, [])), deadlineMs };
  // A store that cannot be reached is an Error measurement below (exit 3), not a crash here.
  const clock = await storeClock(p.source, ctx.clock, opts.signal ? { signal: opts.signal } : {}).catch((e: unknown) => {
    if (!isRewindError(e) || opts.signal?.aborted) throw e;
    return ctx.clock;
  });
  const out = await runAnalysis({
    source: p.source,
    metrics: p.spec.metrics,
    clock,
    deadlineMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onMeasurement: (m, measurement) => opts.onMeasurement?.(m.name, measurement),
  });
  const checks = p.spec.metrics.map((spec): CheckResult => {
    const last = out.measurements[spec.name]?.at(-1);
    const a = out.run.metrics.find((x) => x.name === spec.name);
    const phase = (a?.phase ?? 'Inconclusive') as MeasurementPhase;
    return { ...describe(spec), phase, values: last?.values ?? [], ...(a?.message ? { message: a.message } : {}) };
  });
  return { ...summarise(p, checks), deadlineMs };
}

/**
 * What the metrics say for `plan`: the app's firing alert and when it became active, each check's
 * value now, and when its current regression started (over the last `lookBackMinutes`), so the
 * seed's "landed within 30 minutes and the alert fired after" test can use them. Reads only;
 * a store that cannot be read is a note, never an error of the plan.
 */
/**
 * One read of the store's alerts for the app (a single request, for a loop that waits for the
 * alert to fire): `firing` with the alert, `none` while it is not firing or the read failed, and
 * `not-checked` when there is nothing to ask (no metrics for the app, no prometheus section).
 */
export async function appAlertNow(ctx: AppContext, appName: string, signal?: AbortSignal): Promise<{ state: 'firing'; alert: MetricsAlert } | { state: 'none' | 'not-checked' }> {
  const p = await prepare(ctx, appName);
  if (notChecked(p) || !p.source) return { state: 'not-checked' };
  const app = ctx.app(appName);
  const alerts = await p.source.alerts(signal ? { signal } : {}).catch((e: unknown) => {
    if (!isRewindError(e)) throw e;
    return [];
  });
  const alert = firingAlertFor(alerts, app.workload.name, app.workload.cluster);
  return alert ? { state: 'firing', alert } : { state: 'none' };
}

export async function metricsEvidence(ctx: AppContext, appName: string, opts: { lookBackMinutes?: number; signal?: AbortSignal } = {}): Promise<MetricsFacts> {
  const p = await prepare(ctx, appName);
  const scrapeIntervalMs = ctx.config.prometheus?.scrapeIntervalMs ?? 15_000;
  const base = { store: p.base.prometheus, scrapeIntervalMs };
  const none = notChecked(p);
  if (none || !p.source) {
    const why = (none?.reason ?? 'metrics were not checked').replace(/^metrics were not checked: /, '');
    return { ...base, notChecked: why, checks: [], notes: [] };
  }
  const source = p.source;
  const signal = opts.signal ? { signal: opts.signal } : {};
  const notes: string[] = [];
  const app = ctx.app(appName);
  // The alerts and the store's clock are two independent reads: asked at once, not one after the other (issue 19).
  const alerting = source.alerts(signal).then(
    (alerts) => firingAlertFor(alerts, app.workload.name, app.workload.cluster),
    (e: unknown) => {
      if (!isRewindError(e)) throw e;
      notes.push(`alerts could not be read: ${e.message}`);
      return undefined;
    },
  );
  alerting.catch(() => undefined);
  const now = await storeNow(ctx, source, opts.signal);
  const minutes = opts.lookBackMinutes ?? 60;
  const step = Math.max(1, Math.round(scrapeIntervalMs / 1000));
  // Each metric's last hour is asked beside its instant check, not after it (issue 19): it is used
  // only for a check that fails, which a plan during an incident nearly always has, and a range
  // (or its error) that turns out unneeded is dropped unseen.
  const ranges = new Map(
    p.spec.metrics.map((spec) => {
      const range = source.queryRange(spec.query, { start: new Date(now.getTime() - minutes * 60_000), end: now, stepSeconds: step }, signal).then(
        (r) => ({ r }),
        (e: unknown) => ({ error: e as Error }),
      );
      return [spec.name, range] as const;
    }),
  );
  const current = await verifyNow(ctx, appName, { ...opts, now });
  const alert = await alerting;
  const checks = await Promise.all(
    p.spec.metrics.map(async (spec) => {
      const c = current.checks.find((x) => x.name === spec.name);
      const base = { name: spec.name, phase: c?.phase ?? 'Inconclusive', values: c?.values ?? [], threshold: describeConditions(spec) };
      if (c?.phase !== 'Failed') return base;
      const read = await ranges.get(spec.name);
      if (read && 'error' in read) notes.push(`${spec.name}: the last ${minutes} minutes could not be read: ${read.error.message}`);
      const range = read && 'r' in read ? read.r : undefined;
      const byTime = new Map<number, number>();
      for (const s of range?.series ?? []) for (const x of s.samples) byTime.set(x.t, Math.max(byTime.get(x.t) ?? Number.NEGATIVE_INFINITY, x.v));
      const samples = [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
      const r = regressionStart(compileMetric(spec), samples);
      return { ...base, ...(r.startedAt !== undefined ? { failingSince: new Date(r.startedAt * 1000).toISOString() } : {}) };
    }),
  );
  return {
    ...base,
    at: now.toISOString(),
    ...(alert ? { alert: { name: alert.name, ...(alert.activeAt ? { activeAt: alert.activeAt } : {}), source: alert.source } } : {}),
    checks,
    notes: [...notes, ...current.checks.filter((c) => c.phase === 'Error').map((c) => `${c.name}: ${c.message ?? 'the query failed'}`)],
  };
}

/**
 * The metrics part of `plan`'s facts: the evidence, and the firing alert's `activeAt` as the
 * alert time (it replaces `--alert-at`: the store knows when the alert became active).
 */
export async function planMetricsFacts(ctx: AppContext, appName: string, opts: { timeoutMs?: number } = {}): Promise<Pick<Facts, 'metrics' | 'alertAt' | 'alertSource'>> {
  // A plan during an incident must not hang on a store that does not answer: evidence is optional.
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const e: MetricsFacts = await metricsEvidence(ctx, appName, { signal }).catch((err: unknown): MetricsFacts => {
    if (!signal.aborted) throw err;
    const p = ctx.config.prometheus;
    return { store: withoutUserInfo(p?.url), scrapeIntervalMs: p?.scrapeIntervalMs ?? 15_000, checks: [], notes: [`the metrics could not be read within ${timeoutMs / 1000}s`] };
  });
  const source = `prometheus ${e.store ?? ''} GET /api/v1/query, /api/v1/alerts`.replace('  ', ' ');
  const activeAt = e.alert?.activeAt;
  return {
    metrics: Fact.of(e, source),
    ...(activeAt ? { alertAt: activeAt, alertSource: `${e.alert?.source ?? 'prometheus'} alert ${e.alert?.name ?? ''} activeAt` } : {}),
  };
}
