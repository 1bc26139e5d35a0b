import type { Plan } from '../../core/plan.ts';
import { ExitCode } from '../../core/errors.ts';
import type { RunResult } from '../../app/rollback-service.ts';

/** The run as a document: the shape `rollback -o json` and `demo -o json` share. */
export function runDocument(plan: Plan, result: RunResult, opts: { dryRun?: boolean } = {}) {
  const status = opts.dryRun && result.status === 'verified' ? 'dry-run' : result.status === 'awaiting-revert' || result.status === 'verified' ? 'verified' : result.status === 'refused' ? 'refused' : 'failed';
  return {
    app: plan.app,
    runId: result.runId,
    status,
    runStatus: result.status,
    from: { historyId: plan.from.historyId, revision: plan.from.revision },
    to: plan.to ? { historyId: plan.to.historyId, revision: plan.to.revision } : null,
    steps: result.steps.map((s) => ({
      kind: s.kind,
      status: s.status,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      evidence: s.evidence,
      ...(s.error ? { error: s.error } : {}),
    })),
  };
}

export function runExitCode(result: RunResult): number {
  if (result.status === 'verified' || result.status === 'awaiting-revert' || result.status === 'finished') return ExitCode.Ok;
  if (result.status === 'interrupted') return 130;
  const failed = result.steps.find((s) => s.status === 'failed');
  return failed && (failed.kind === 'wait-healthy' || failed.kind === 'verify-digest') ? ExitCode.VerificationFailed : ExitCode.SystemFailed;
}
