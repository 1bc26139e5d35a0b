import { isRewindError } from '../core/errors.ts';
import { ExitCode, type FailureKind } from '../core/exit-codes.ts';
import type { JournalStore } from '../core/ports.ts';
import type { Plan, PlanStep } from '../core/plan.ts';
import { serviceVerdict, type JournalRecord, type RunStatus, type StepResult } from '../core/run.ts';
import type { StepDeps, StepHandler, StepOutcome } from './step-context.ts';

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
  /** Why the failed step failed, when the run failed. */
  readonly failure?: FailureKind;
}

export interface ExecuteDeps extends StepDeps {
  readonly journal: JournalStore;
  /** Step kind → handler, wired by app/ (one per registered step kind). */
  readonly handlers: ReadonlyMap<string, StepHandler<unknown>>;
  /** This machine's name, for the hold. */
  readonly host: string;
  /** Test hook (REWIND_FAULT): called just before a step acts and just after, before its outcome is journaled. */
  readonly fault?: (kind: string, when: 'before' | 'after') => void;
}

/**
 * Runs a plan's steps in order, every phase alike. Before each step an `intent` record is made
 * durable, after it an `outcome`; so a crash anywhere leaves a journal that `resume` (or
 * `finish`, for the follow-up) can continue. Ctrl-C (the signal) stops between steps and leaves
 * the run `interrupted`. A step that waits on people (`pending`) leaves the run open
 * (`awaiting-revert`), to be continued from that step.
 */
export async function executePlan(deps: ExecuteDeps, opts: ExecuteOptions): Promise<RunResult> {
  const { plan, runId } = opts;
  const at = () => deps.clock.now().toISOString();
  const record = (r: JournalRecord) => (opts.dryRun ? Promise.resolve() : deps.journal.append(r));
  const start = opts.startAt ?? 0;
  if (start === 0 && (opts.previous ?? []).length === 0) {
    await record({ type: 'run-started', runId, app: plan.app, at: at(), plan, actor: opts.actor, ...(opts.reason ? { reason: opts.reason } : {}) });
  }
  await record({ type: 'run-status', runId, at: at(), status: 'running' });
  const results: StepResult[] = [...(opts.previous ?? []).slice(0, start)];
  const deadline = deps.clock.now().getTime() + opts.timeoutMs;
  const hasFollowUp = plan.steps.some((s) => s.phase === 'follow-up');
  let status: RunStatus = hasFollowUp ? 'finished' : 'verified';
  let failure: FailureKind | undefined;
  let detail: string | undefined;
  for (let i = start; i < plan.steps.length; i++) {
    const step = plan.steps[i] as PlanStep;
    if (opts.signal.aborted) {
      status = 'interrupted';
      results.push(...plan.steps.slice(i).map(notExecuted));
      break;
    }
    const handler = deps.handlers.get(step.kind);
    const startedAt = at();
    deps.progress({ kind: 'step-started', step: i, title: step.title, at: startedAt });
    await record({ type: 'intent', runId, at: startedAt, step: i, kind: step.kind, phase: step.phase, actor: opts.actor });
    deps.fault?.(step.kind, 'before');
    const outcome = await runStep(handler, step, { ...deps, plan, index: i, signal: opts.signal, deadline, dryRun: opts.dryRun, runId, actor: opts.actor, ...(opts.reason ? { reason: opts.reason } : {}) });
    deps.fault?.(step.kind, 'after');
    const endedAt = at();
    const extra = { ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.failure ? { failure: outcome.failure } : {}) };
    await record({ type: 'outcome', runId, at: endedAt, step: i, kind: step.kind, phase: step.phase, status: outcome.status, evidence: outcome.evidence, ...extra });
    const seconds = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
    deps.progress({ kind: 'step-ended', step: i, title: step.title, status: outcome.status, at: endedAt, seconds, evidence: outcome.evidence, ...(outcome.error ? { error: outcome.error } : {}) });
    results.push({ kind: step.kind, phase: step.phase, status: outcome.status, startedAt, endedAt, evidence: outcome.evidence, ...extra });
    if (outcome.status === 'pending') {
      status = 'awaiting-revert';
      detail = outcome.evidence.join('; ');
      results.push(...plan.steps.slice(i + 1).map(notExecuted));
      break;
    }
    if (outcome.status === 'failed') {
      // Ctrl-C during a wait ends the wait, not the run: it stays resumable as interrupted.
      // A refusal (the world moved on, another run holds the app) changed nothing: the run is closed.
      status = opts.signal.aborted ? 'interrupted' : outcome.failure === 'refused' ? 'refused' : 'failed';
      failure = opts.signal.aborted ? undefined : outcome.failure;
      detail = outcome.error;
      results.push(...plan.steps.slice(i + 1).map(notExecuted));
      break;
    }
  }
  // Metrics not checked: the service is rolled back, not proven recovered (issue 12).
  if (status === 'verified' && serviceVerdict(results) === 'rolled-back') status = 'rolled-back';
  await record({ type: 'run-status', runId, at: at(), status, ...(detail ? { detail } : {}) });
  return { runId, status, steps: results, ...(failure ? { failure } : {}) };
}

/** One step, every failure turned into an outcome with its kind (thrown system errors are `system`). */
async function runStep(handler: StepHandler<unknown> | undefined, step: PlanStep, ctx: Parameters<StepHandler<unknown>['run']>[1]): Promise<StepOutcome> {
  if (handler === undefined) return { status: 'failed', evidence: [], error: `no handler for step kind "${step.kind}"`, failure: 'system' };
  const def = handler.definition;
  // NOTE: the one place ports are checked. A missing config repo is configuration a person can
  // add, so the step waits (the run stays open) instead of failing.
  if (def.ports.includes('repo') && ctx.repo === undefined) {
    return { status: 'pending', evidence: [`rewind.yaml has no configRepo, which ${step.kind} needs: configure it, then continue the run (\`rewind finish\` or \`rewind resume\`)`] };
  }
  try {
    const outcome = await handler.run(def.params.parse(step.params, `steps[${ctx.index}].params`), ctx, step);
    return outcome.status === 'failed' ? { ...outcome, failure: outcome.failure ?? def.failure } : outcome;
  } catch (e) {
    const message = isRewindError(e) || e instanceof Error ? e.message : String(e);
    const failure: FailureKind = isRewindError(e) ? (e.exitCode === ExitCode.Refused ? 'refused' : 'system') : def.failure;
    return { status: 'failed', evidence: [], error: message, failure };
  }
}

function notExecuted(step: PlanStep): StepResult {
  return { kind: step.kind, phase: step.phase, status: 'not-executed', startedAt: null, endedAt: null, evidence: [] };
}
