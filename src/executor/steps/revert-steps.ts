import { shortHash } from '../../core/domain.ts';
import { followupRevert } from '../../core/steps/followup-steps.ts';
import { handle, portOf, repoOf, StepOutcome } from '../step-context.ts';

/** The review branch of a run: one per run, so a retried run pushes over its own. */
export const reviewBranch = (runId: string): string => `rewind/revert-${runId}`;

/**
 * Step 3d by rewind: revert and push. Skipped when the revert is already on the branch (a resume,
 * or a person was faster). Pushed for review, the run then waits at `followup.await-revert`.
 */
export const revert = handle(followupRevert, async (params, ctx) => {
  const repo = repoOf(ctx);
  await repo.fetch();
  const bad = shortHash(params.badRevision);
  if (await repo.hasRevertOf(params.badRevision, params.trackedBranch)) return StepOutcome.skipped(`the revert of ${bad} is already on ${params.trackedBranch}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would git revert ${bad} and push it ${params.mode === 'review' ? 'for review' : `to ${params.trackedBranch}`}`);
  const message = [
    `Rewind-Run: ${ctx.runId}`,
    `Rewind-Incident: ${ctx.plan.app} rolled back from ${bad} (${ctx.plan.mechanism ?? 'rewind'}) by ${ctx.actor}@${ctx.host}`,
    `Rewind-Reason: ${ctx.reason ?? 'none given'}`,
  ].join('\n');
  const r = await portOf(ctx, 'revert').revert({ bad: params.badRevision, branch: params.trackedBranch, appPath: params.appPath, mode: params.mode, reviewBranch: reviewBranch(ctx.runId), message });
  if (!r.review) return StepOutcome.succeeded(`reverted ${bad} as ${shortHash(r.commit)} and pushed it to ${r.pushedTo}`);
  return StepOutcome.succeeded(`reverted ${bad} as ${shortHash(r.commit)} and pushed it to ${r.pushedTo} for review: ${r.why ?? ''}; the run waits until it reaches ${params.trackedBranch}`);
});
