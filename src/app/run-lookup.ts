import type { JournalStore } from '../core/ports.ts';
import type { Phase, Plan } from '../core/plan.ts';
import { validatePlan } from '../core/plan-validation.ts';
import type { JournalRecord, RunStatus, StepResult } from '../core/run.ts';
import { NotFoundError, UsageError } from '../core/errors.ts';
import { stepDefinition } from '../core/steps/index.ts';

export interface LoadedRun {
  readonly runId: string;
  readonly plan: Plan;
  readonly records: readonly JournalRecord[];
  readonly status: RunStatus;
  /** Per step: the recorded outcome, or an intent with no outcome (crashed mid-step). */
  readonly results: readonly StepResult[];
  /** First step that has no succeeded/skipped outcome. */
  readonly resumeAt: number;
  /** The phase of that step; undefined when every step is done. */
  readonly resumePhase: Phase | undefined;
}

/** A run as its journal tells it; the plan is validated like a saved plan before anything acts on it. */
export async function loadRun(journal: JournalStore, runId: string): Promise<LoadedRun> {
  const records = await journal.read(runId);
  const head = records[0];
  if (!head || head.type !== 'run-started') {
    throw new NotFoundError(`no run "${runId}" in the journal`, { hint: 'list runs with `rewind runs`' });
  }
  const checked = validatePlan(head.plan);
  if (!checked.ok) throw new UsageError(`run ${runId}'s plan cannot be read: ${checked.problems.join('; ')}`, { hint: 'finish it by hand (see `rewind show RUN`)' });
  const plan = checked.plan;
  let status: RunStatus = 'running';
  const results: StepResult[] = plan.steps.map((s) => ({ kind: s.kind, phase: s.phase, status: 'not-executed', startedAt: null, endedAt: null, evidence: [] }));
  const started = new Map<number, string>();
  for (const r of records) {
    if (r.type === 'run-status') status = r.status;
    if (r.type === 'intent') started.set(r.step, r.at);
    // Records past the plan's steps are actions on the run itself (abandon), not steps to resume.
    if (r.type === 'outcome' && r.step < plan.steps.length) {
      const extra = { ...(r.error ? { error: r.error } : {}), ...(r.failure ? { failure: r.failure } : {}) };
      results[r.step] = { kind: r.kind, phase: r.phase, status: r.status, startedAt: started.get(r.step) ?? null, endedAt: r.at, evidence: r.evidence, ...extra };
    }
  }
  const at = results.findIndex((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  const resumeAt = at === -1 ? results.length : redoStart(plan, results, at);
  return { runId, plan, records, status, results, resumeAt, resumePhase: plan.steps[resumeAt]?.phase };
}

/** The newest run of an app whose status is one of `statuses`. */
export async function findOpenRun(journal: JournalStore, app: string, statuses: readonly RunStatus[]): Promise<LoadedRun | undefined> {
  for (const summary of await journal.listRuns(app)) {
    if (statuses.includes(summary.status)) return loadRun(journal, summary.runId);
  }
  return undefined;
}

/** A failed wait resumes at the action it judged (StepDefinition.redoFrom), when the plan has one before it. */
function redoStart(plan: Plan, results: readonly StepResult[], at: number): number {
  if (results[at]?.status !== 'failed') return at;
  const redo = stepDefinition(plan.steps[at]?.kind ?? '')?.redoFrom;
  if (redo === undefined) return at;
  for (let i = at - 1; i >= 0; i--) if (plan.steps[i]?.kind === redo) return i;
  return at;
}
