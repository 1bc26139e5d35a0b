import type { Plan } from '../../core/plan.ts';
import { exitCodeForRun } from '../../core/exit-codes.ts';
import { serviceVerdict } from '../../core/run.ts';
import type { RunResult } from '../../app/rollback-service.ts';

/**
 * The run as a document: the shape `rollback`, `resume`, `finish` and `demo -o json` share.
 * `status` is the user's answer (verified once the service is back, even while the follow-up is
 * open); `runStatus` is the journal's.
 */
export function runDocument(plan: Plan, result: RunResult, opts: { dryRun?: boolean } = {}) {
  const done = result.status === 'awaiting-revert' || result.status === 'verified' || result.status === 'rolled-back' || result.status === 'finished';
  // `rolled-back`: done, but a verify step had nothing to check (metrics not configured).
  const status = opts.dryRun && result.status !== 'failed' ? 'dry-run' : done ? serviceVerdict(result.steps) : result.status === 'refused' ? 'refused' : result.status === 'interrupted' ? 'interrupted' : 'failed';
  return {
    app: plan.app,
    runId: result.runId,
    status,
    runStatus: result.status,
    mechanism: plan.mechanism,
    rejected: plan.rejected,
    from: { historyId: plan.from.historyId, revision: plan.from.revision },
    to: plan.to ? { historyId: plan.to.historyId, revision: plan.to.revision, ...(plan.to.kind === 'replicaset-revision' ? { replicaSetRevision: plan.to.replicaSetRevision, replicaSet: plan.to.replicaSet } : {}) } : null,
    steps: result.steps.map((s) => ({
      kind: s.kind,
      phase: s.phase,
      status: s.status,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      evidence: s.evidence,
      ...(s.error ? { error: s.error } : {}),
      ...(s.failure ? { failure: s.failure } : {}),
    })),
  };
}

export function runExitCode(result: RunResult, opts: { expectClosed?: boolean } = {}): number {
  return exitCodeForRun(result.status, result.failure, opts);
}
