/**
 * The rollback's `verify.metrics` step: "The metric recovered?" of Step 3c, as an analysis run
 * (core/analysis, executor/verify/run-analysis.ts, the loop `rewind verify --watch` runs) until
 * Successful, Failed or the plan's deadline, measured on the store's own clock. Safe to resume:
 * it keeps nothing between attempts and re-evaluates from scratch.
 */
import { describeConditions, formatValues, type Measurement, type MetricAssessment, type MetricSpec } from '../../core/analysis/analysis.ts';
import { isRewindError } from '../../core/errors.ts';
import { humanMs, verifyMetrics as verifyMetricsStep } from '../../core/steps/verify-steps.ts';
import { handle, StepOutcome, type StepContext } from '../step-context.ts';
import { runAnalysis } from '../verify/run-analysis.ts';
import { storeClock, type StoreClock } from '../verify/store-clock.ts';



/** One line per metric: its first and last value this run, so the evidence shows the recovery (or not). */
function beforeAfter(m: MetricSpec, ms: readonly Measurement[], a: MetricAssessment | undefined): string {
  const first = ms[0];
  const last = ms.at(-1);
  const span = first && last && first !== last ? `${formatValues(first.values)} (${first.phase}) -> ${formatValues(last.values)} (${last.phase})` : last ? `${formatValues(last.values)} (${last.phase})` : 'not measured';
  return `${m.name}: ${span} [${describeConditions(m)}]; ${ms.length} measurement(s)${a?.message ? `: ${a.message}` : ''}`;
}

function notChecked(params: { metrics: readonly MetricSpec[] }, ctx: StepContext): string | undefined {
  if (params.metrics.length === 0) return `${ctx.plan.app} declares no verify.metrics and the seed has no default for ${ctx.plan.workload.name}`;
  if (ctx.metrics === undefined) return 'rewind.yaml has no prometheus section';
  return undefined;
}

export const verifyMetrics = handle(verifyMetricsStep, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to verify');
  const why = notChecked(params, ctx);
  if (why !== undefined || ctx.metrics === undefined) {
    const reason = `metrics were not checked: ${why ?? 'no metrics source'}`;
    if (params.requireMetrics) return StepOutcome.failedAs('verification', `${reason}; verify.requireMetrics is set`);
    return StepOutcome.skipped(reason, 'the service is rolled back, not proven recovered');
  }
  const source = ctx.metrics;
  let clock: StoreClock;
  try {
    clock = await storeClock(source, ctx.clock, { signal: ctx.signal });
  } catch (e) {
    if (ctx.signal.aborted || !isRewindError(e)) throw e;
    return StepOutcome.failedAs('system', `Prometheus could not be reached: ${e.message}`);
  }
  const deadline = clock.now().getTime() + params.deadlineMs;
  ctx.progress({ kind: 'waiting', step: ctx.index, message: `measuring ${params.metrics.map((m) => m.name).join(', ')} until recovered, at most ${humanMs(params.deadlineMs)}${clock.rate !== 1 ? ` (the store's clock runs x${clock.rate.toFixed(1)})` : ''}` });
  const out = await runAnalysis({
    source,
    metrics: params.metrics,
    clock,
    deadlineMs: params.deadlineMs,
    signal: ctx.signal,
    onMeasurement: (m, measurement, a) => {
      const left = Math.max(0, deadline - clock.now().getTime());
      const streak = m.consecutiveSuccessLimit ? `, ${a.counts.consecutiveSuccess}/${m.consecutiveSuccessLimit} in a row` : '';
      ctx.progress({ kind: 'waiting', step: ctx.index, message: `${m.name} = ${formatValues(measurement.values)}: ${measurement.phase}${streak} (${describeConditions(m)}; ${humanMs(left)} left)` });
    },
  });
  const lines = params.metrics.map((m) => beforeAfter(m, out.measurements[m.name] ?? [], out.run.metrics.find((a) => a.name === m.name)));
  switch (out.run.phase) {
    case 'Successful':
      return StepOutcome.succeeded(`recovered: ${out.run.metrics.map((a) => `${a.name} ${a.message}`).join('; ')}`, ...lines);
    case 'Error':
      // Consecutive query errors past the limit: the store, not the service, is what failed.
      return StepOutcome.failedAs('system', `Prometheus could not be read: ${out.run.message}`, ...lines);
    default:
      return StepOutcome.failedAs('verification', `${out.run.phase}: ${out.run.message}`, ...lines);
  }
});
