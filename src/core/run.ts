import type { Plan, StepKind } from './plan.ts';

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'not-executed';
export type RunStatus = 'running' | 'verified' | 'failed' | 'refused' | 'interrupted' | 'awaiting-revert' | 'finished' | 'abandoned';

/**
 * One line of the journal. `intent` is written before a step acts and `outcome` after, so a crash
 * between them is visible: resume re-reads live state before repeating the step.
 */
export type JournalRecord =
  | { readonly type: 'run-started'; readonly runId: string; readonly app: string; readonly at: string; readonly plan: Plan; readonly reason?: string; readonly actor: string }
  | { readonly type: 'intent'; readonly runId: string; readonly at: string; readonly step: number; readonly kind: StepKind }
  | {
      readonly type: 'outcome';
      readonly runId: string;
      readonly at: string;
      readonly step: number;
      readonly kind: StepKind;
      readonly status: StepStatus;
      readonly evidence: readonly string[];
      readonly error?: string;
    }
  | { readonly type: 'run-status'; readonly runId: string; readonly at: string; readonly status: RunStatus; readonly detail?: string }
  /** An action outside the plan's steps (finish's restore of the sync policy), journaled the same way. */
  | { readonly type: 'action'; readonly runId: string; readonly at: string; readonly phase: 'intent' | 'outcome'; readonly action: string; readonly detail: string };

export interface RunSummary {
  readonly runId: string;
  readonly app: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface StepResult {
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly evidence: readonly string[];
  readonly error?: string;
}
