import type { JournalStore } from '../core/ports.ts';
import type { Plan, PlanStep, StepKind } from '../core/plan.ts';
import type { JournalRecord, RunStatus, StepResult } from '../core/run.ts';
import { isRewindError } from '../core/errors.ts';
import type { StepDeps, StepHandler, StepOutcome } from './step-context.ts';
import { argocdRollback, preflight, recordRevertPending, verifyDigest, waitHealthy } from './steps/rollback-steps.ts';
import { disableAutoSync, pinTargetRevision } from './steps/sync-policy-steps.ts';

const handlers: { readonly [K in StepKind]: StepHandler<PlanStep<K>> } = {
  preflight,
  'disable-auto-sync': disableAutoSync,
  'pin-target-revision': pinTargetRevision,
  'argocd-rollback': argocdRollback,
  'wait-healthy': waitHealthy,
  'verify-digest': verifyDigest,
  'record-revert-pending': recordRevertPending,
};

export interface ExecuteOptions {
  readonly runId: string;
  readonly plan: Plan;
  readonly actor: string;
  readonly reason?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly dryRun: boolean;
  /** Resume: steps before this index already succeeded (from the journal). */
  readonly startAt?: number;
  /** Resume: results already recorded, carried into the returned list. */
  readonly previous?: readonly StepResult[];
}

export interface RunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly steps: readonly StepResult[];
}

/**
 * Runs a plan's steps in order through the ports. Before each step an `intent` record is made
 * durable, after it an `outcome`; so a crash anywhere leaves a journal that `resume` can continue.
 * Ctrl-C (the signal) stops between steps and leaves the run `interrupted`, resumable.
 */
export async function executePlan(deps: StepDeps & { journal: JournalStore }, opts: ExecuteOptions): Promise<RunResult> {
  const { plan, runId } = opts;
  const { journal } = deps;
  const at = () => deps.clock.now().toISOString();
  const record = (r: JournalRecord) => (opts.dryRun ? Promise.resolve() : journal.append(r));
  const start = opts.startAt ?? 0;
  if (start === 0) {
    await record({ type: 'run-started', runId, app: plan.app, at: at(), plan, actor: opts.actor, ...(opts.reason ? { reason: opts.reason } : {}) });
  }
  await record({ type: 'run-status', runId, at: at(), status: 'running' });
  const results: StepResult[] = [...(opts.previous ?? []).slice(0, start)];
  const deadline = deps.clock.now().getTime() + opts.timeoutMs;
  let status: RunStatus = 'verified';
  for (let i = start; i < plan.steps.length; i++) {
    const step = plan.steps[i] as PlanStep;
    if (opts.signal.aborted) {
      status = 'interrupted';
      for (let j = i; j < plan.steps.length; j++) results.push(notExecuted(plan.steps[j] as PlanStep));
      break;
    }
    const startedAt = at();
    deps.progress({ kind: 'step-started', step: i, title: step.title, at: startedAt });
    await record({ type: 'intent', runId, at: startedAt, step: i, kind: step.kind });
    let outcome: StepOutcome;
    try {
      const handler = handlers[step.kind] as StepHandler;
      outcome = await handler(step, { ...deps, plan, index: i, signal: opts.signal, deadline, dryRun: opts.dryRun });
    } catch (e) {
      const message = isRewindError(e) ? e.message : (e as Error).message;
      outcome = { status: 'failed', evidence: [], error: message };
    }
    const endedAt = at();
    await record({ type: 'outcome', runId, at: endedAt, step: i, kind: step.kind, status: outcome.status, evidence: outcome.evidence, ...(outcome.error ? { error: outcome.error } : {}) });
    const seconds = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
    deps.progress({ kind: 'step-ended', step: i, title: step.title, status: outcome.status, at: endedAt, seconds, evidence: outcome.evidence, ...(outcome.error ? { error: outcome.error } : {}) });
    results.push({ kind: step.kind, status: outcome.status, startedAt, endedAt, evidence: outcome.evidence, ...(outcome.error ? { error: outcome.error } : {}) });
    if (outcome.status === 'failed') {
      // Ctrl-C during a wait ends the wait, not the run: it stays resumable as interrupted.
      status = opts.signal.aborted ? 'interrupted' : 'failed';
      for (let j = i + 1; j < plan.steps.length; j++) results.push(notExecuted(plan.steps[j] as PlanStep));
      break;
    }
  }
  // A verified run with Step 3d stays open: auto-sync is off until the revert lands.
  if (status === 'verified' && plan.steps.some((s) => s.kind === 'record-revert-pending') && !opts.dryRun) status = 'awaiting-revert';
  const detail = status === 'awaiting-revert' ? { detail: 'verified on the last-known-good revision; Step 3d open: revert the bad commit, then `rewind finish`' } : {};
  await record({ type: 'run-status', runId, at: at(), status, ...detail });
  return { runId, status, steps: results };
}

function notExecuted(step: PlanStep): StepResult {
  return { kind: step.kind, status: 'not-executed', startedAt: null, endedAt: null, evidence: [] };
}
