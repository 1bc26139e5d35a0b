import type { JournalStore } from '../core/ports.ts';
import type { Plan, PlanStep } from '../core/plan.ts';
import type { JournalRecord, StepResult } from '../core/run.ts';
import { NotFoundError } from '../core/errors.ts';

export interface LoadedRun {
  readonly runId: string;
  readonly plan: Plan;
  readonly records: readonly JournalRecord[];
  readonly status: string;
  /** Per step: the recorded outcome, or an intent with no outcome (crashed mid-step). */
  readonly results: readonly StepResult[];
  /** First step that has no succeeded/skipped outcome. */
  readonly resumeAt: number;
}

export async function loadRun(journal: JournalStore, runId: string): Promise<LoadedRun> {
  const records = await journal.read(runId);
  const head = records[0];
  if (!head || head.type !== 'run-started') {
    throw new NotFoundError(`no run "${runId}" in the journal`, { hint: 'list runs with `rewind runs`' });
  }
  let status = 'running';
  const results: StepResult[] = head.plan.steps.map((s: PlanStep) => ({ kind: s.kind, status: 'not-executed', startedAt: null, endedAt: null, evidence: [] }));
  const started = new Map<number, string>();
  for (const r of records) {
    if (r.type === 'run-status') status = r.status;
    if (r.type === 'intent') started.set(r.step, r.at);
    if (r.type === 'outcome') {
      results[r.step] = { kind: r.kind, status: r.status, startedAt: started.get(r.step) ?? null, endedAt: r.at, evidence: r.evidence, ...(r.error ? { error: r.error } : {}) };
    }
  }
  const resumeAt = results.findIndex((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  return { runId, plan: head.plan, records, status, results, resumeAt: resumeAt === -1 ? results.length : resumeAt };
}

/** The newest run of an app that is still open (Step 3d pending, interrupted, or crashed). */
export async function findOpenRun(journal: JournalStore, app: string, statuses: readonly string[]): Promise<LoadedRun | undefined> {
  for (const summary of await journal.listRuns(app)) {
    if (statuses.includes(summary.status)) return loadRun(journal, summary.runId);
  }
  return undefined;
}
