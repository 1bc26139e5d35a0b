/**
 * The analysis loop: measure each metric when it is due, assess, sleep until the next one is due
 * or the deadline passes. All judgement is in core/analysis (pure); this file only queries and
 * waits, so the `verify.metrics` step and `rewind verify --watch` share it.
 */
import { isRewindError } from '../../core/errors.ts';
import {
  assessMetric,
  assessRun,
  compileMetric,
  isCompleted,
  measure,
  nextMeasurementAt,
  type MetricAssessment,
  type Measurement,
  type MetricSpec,
  type RunAssessment,
  type Semantics,
} from '../../core/analysis/analysis.ts';
import type { Clock, MetricsSource } from '../../core/ports.ts';

export interface AnalysisLoopOptions {
  readonly source: MetricsSource;
  readonly metrics: readonly MetricSpec[];
  readonly clock: Clock;
  /** How long recovery may take from now, in ms of `clock`. */
  readonly deadlineMs: number;
  readonly semantics?: Semantics;
  readonly signal?: AbortSignal;
  /** Called after every measurement, e.g. to print progress or journal it. */
  readonly onMeasurement?: (metric: MetricSpec, m: Measurement, assessment: MetricAssessment) => void;
}

export interface AnalysisOutcome {
  readonly run: RunAssessment;
  readonly measurements: Readonly<Record<string, readonly Measurement[]>>;
  readonly startedAt: number;
  readonly deadline: number;
}

/**
 * Runs the analysis to completion: Successful, Failed, Inconclusive or Error. A query that fails
 * is an Error measurement (retried after 10 s, as upstream), never a thrown error; only Ctrl-C
 * (the signal) interrupts, by throwing.
 */
export async function runAnalysis(o: AnalysisLoopOptions): Promise<AnalysisOutcome> {
  const semantics = o.semantics ?? 'rewind';
  const metrics = o.metrics.map((m) => compileMetric(m, semantics));
  const startedAt = o.clock.now().getTime();
  const deadline = startedAt + o.deadlineMs;
  const taken = new Map<string, Measurement[]>(metrics.map((m) => [m.name, []]));
  const list = (name: string) => taken.get(name) ?? [];

  for (;;) {
    o.signal?.throwIfAborted();
    const now = o.clock.now().getTime();
    const deadlinePassed = now >= deadline;
    const run = assessRun(metrics.map((m) => assessMetric(m, list(m.name), { deadlinePassed })));
    if (isCompleted(run.phase)) return { run, measurements: Object.fromEntries(taken), startedAt, deadline };

    const due = metrics.filter((m) => {
      const at = nextMeasurementAt(m, list(m.name), startedAt);
      return at !== undefined && at <= now;
    });
    await Promise.all(
      due.map(async (m) => {
        let answer;
        try {
          answer = await o.source.query(m.query, o.signal ? { signal: o.signal } : {});
        } catch (e) {
          if (o.signal?.aborted) throw e;
          answer = { error: isRewindError(e) ? e.message : String(e) };
        }
        const measurement = measure(m, answer, o.clock.now().getTime(), semantics);
        list(m.name).push(measurement);
        o.onMeasurement?.(m, measurement, assessMetric(m, list(m.name)));
      }),
    );
    if (due.length > 0) continue;

    const next = Math.min(deadline, ...metrics.map((m) => nextMeasurementAt(m, list(m.name), startedAt) ?? deadline));
    await o.clock.sleep(Math.max(1, next - now), o.signal);
  }
}
