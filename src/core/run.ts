import type { FailureKind } from './exit-codes.ts';
import type { Phase, Plan } from './plan.ts';

/**
 * `pending`: the step is waiting on people (the revert is not on the branch yet); the run stays
 * open and continues from this step later.
 */
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'pending' | 'not-executed';
/**
 * `rolled-back`: the run ended (no follow-up) with the rollback done and nothing failed, but a
 * verify step had nothing to check (no metrics configured): never `verified` (see `serviceVerdict`).
 */
export type RunStatus = 'running' | 'verified' | 'rolled-back' | 'failed' | 'refused' | 'interrupted' | 'awaiting-revert' | 'finished' | 'abandoned';

/**
 * One line of the journal, for every step of every phase. `intent` is written before a step acts
 * and `outcome` after, so a crash between them is visible: resume re-reads live state before
 * repeating the step.
 */
export type JournalRecord =
  | { readonly type: 'run-started'; readonly runId: string; readonly app: string; readonly at: string; readonly plan: Plan; readonly reason?: string; readonly actor: string }
  | { readonly type: 'intent'; readonly runId: string; readonly at: string; readonly step: number; readonly kind: string; readonly phase: Phase; readonly actor?: string }
  | {
      readonly type: 'outcome';
      readonly runId: string;
      readonly at: string;
      readonly step: number;
      readonly kind: string;
      readonly phase: Phase;
      readonly status: StepStatus;
      readonly evidence: readonly string[];
      readonly error?: string;
      readonly failure?: FailureKind;
    }
  | { readonly type: 'run-status'; readonly runId: string; readonly at: string; readonly status: RunStatus; readonly detail?: string }
  | NoticeRecord;

/**
 * Step 4's deliveries (Slack, status page, runbook records), journaled like steps: `intent`
 * before sending, then `sent` (with what the receiver returned: a Slack `ts`, an incident id) or
 * `failed` after the retries. `target` names the receiver without its URL or token
 * ("slack #bookstore-platform-status", "statuspage atlassian"); secrets never reach the journal.
 */
export interface NoticeRecord {
  readonly type: 'notice';
  readonly runId: string;
  readonly at: string;
  readonly event: 'started' | 'mitigated' | 'verified' | 'failed' | 'follow-up-done';
  readonly target: string;
  readonly state: 'intent' | 'sent' | 'failed';
  readonly attempts?: number;
  readonly ref?: string;
  readonly error?: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly app: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface StepResult {
  readonly kind: string;
  readonly phase: Phase;
  readonly status: StepStatus;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly evidence: readonly string[];
  readonly error?: string;
  readonly failure?: FailureKind;
}

/**
 * What a run proved about the service once its verify steps ran: `verified` when every verify
 * step that ran succeeded, `rolled-back` when one of them had nothing to check and was skipped
 * (metrics not configured, issue 12): the rollback happened, the recovery is not proven.
 *
 * ### Examples
 * ```ts
 * serviceVerdict([{ kind: 'verify.metrics', phase: 'verify', status: 'skipped', … }]); // 'rolled-back'
 * ```
 */
export function serviceVerdict(steps: readonly Pick<StepResult, 'phase' | 'status'>[]): 'verified' | 'rolled-back' {
  return steps.some((s) => s.phase === 'verify' && s.status === 'skipped') ? 'rolled-back' : 'verified';
}

/**
 * The outcomes that mark a run's moments: the rollback (or undo) applied, the last mitigate and
 * verify steps done, the revert on the branch. Each is absent until the journal has it.
 */
export function runMoments(plan: Plan, records: readonly JournalRecord[]) {
  const done = (step: number) => (step < 0 ? undefined : records.find((r) => r.type === 'outcome' && r.step === step && (r.status === 'succeeded' || r.status === 'skipped')));
  const phases = plan.steps.map((s) => s.phase);
  return {
    rollback: done(plan.steps.findIndex((s) => s.kind === 'argocd.rollback' || s.kind === 'kube.rollout-undo')),
    mitigated: done(phases.lastIndexOf('mitigate')),
    verified: done(phases.lastIndexOf('verify')),
    reverted: done(plan.steps.findIndex((s) => s.kind === 'followup.await-revert')),
  };
}

/** True only when a `verify.metrics` step measured recovery; skipped or absent is never "recovered". */
export function metricsRecovered(records: readonly JournalRecord[]): boolean {
  return records.some((r) => r.type === 'outcome' && r.kind === 'verify.metrics' && r.status === 'succeeded');
}
