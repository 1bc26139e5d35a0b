import { shortHash, WorkloadState } from '../../core/domain.ts';
import { AdapterError } from '../../core/errors.ts';
import * as argocd from '../../core/steps/argocd-steps.ts';
import { followupAwaitRevert } from '../../core/steps/followup-steps.ts';
import { handle, repoOf, StepOutcome } from '../step-context.ts';
import { pollUntil } from '../wait.ts';
import { waitUntil } from '../wait-feeds.ts';

/** Step 3d's gate. Pending (the run stays open) until the bad commit's revert is on the branch. */
export const awaitRevert = handle(followupAwaitRevert, async (params, ctx) => {
  const repo = repoOf(ctx);
  const bad = shortHash(params.badRevision);
  try {
    await repo.fetch();
  } catch (e) {
    // The git host down is not a failed run: the mitigation stands and the run waits, as for any revert.
    if (!(e instanceof AdapterError && e.transient)) throw e;
    return StepOutcome.pending(`cannot fetch the config repo (${e.message}); the revert of ${bad} cannot be checked until git is reachable: then \`rewind finish ${ctx.plan.app}\``);
  }
  if (!(await repo.hasRevertOf(params.badRevision, params.trackedBranch))) {
    return StepOutcome.pending(`the revert of ${bad} is not on ${params.trackedBranch} yet: git revert ${bad} && git push (then \`rewind finish ${ctx.plan.app}\`)`);
  }
  return StepOutcome.succeeded(`the revert of ${bad} is on ${params.trackedBranch}`);
});


/** Argo CD caches branch heads: hard-refresh until it compares with the head that holds the revert. */
export const awaitBranchHead = handle(argocd.argocdAwaitBranchHead, async (params, ctx) => {
  const head = await repoOf(ctx).resolve(params.trackedBranch);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would wait until Argo CD compares with ${shortHash(head)}`);
  let seen = '';
  const sees = await pollUntil(ctx, async () => {
    seen = (await ctx.gitops.getApplication(ctx.plan.app, { refresh: 'hard' })).sync.revision;
    return seen === head;
  });
  if (!sees) return StepOutcome.failedAs('system', `Argo CD still compares ${ctx.plan.app} with ${shortHash(seen)}, not the revert ${shortHash(head)}; auto-sync stays off`);
  return StepOutcome.succeeded(`Argo CD compares ${ctx.plan.app} with ${shortHash(head)} (${params.trackedBranch})`);
});

/** The saved policy is manual: nothing syncs by itself, so sync once to the branch head. */
export const syncToBranch = handle(argocd.argocdSyncToBranch, async (params, ctx) => {
  const head = await repoOf(ctx).resolve(params.trackedBranch);
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (app.sync.status === 'Synced' && app.sync.revision === head) return StepOutcome.skipped(`already Synced to ${shortHash(head)}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would sync to ${shortHash(head)}`);
  await ctx.gitops.sync(ctx.plan.app, { revision: head });
  return StepOutcome.succeeded(`sync to ${shortHash(head)} accepted`);
});

/** Closed when the app is Synced to the branch head (the revert), Healthy, rolled out. */
export const waitSyncedToBranch = handle(argocd.argocdWaitSyncedToBranch, async (params, ctx) => {
  const head = await repoOf(ctx).resolve(params.trackedBranch);
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  let last = '';
  const watched = { gitops: { client: ctx.gitops, app: ctx.plan.app }, cluster: { client: ctx.cluster, ref: ctx.plan.workload } };
  const clean = await waitUntil(ctx, watched, async () => {
    const [app, workload] = await Promise.all([ctx.gitops.getApplication(ctx.plan.app, { refresh: true }), ctx.cluster.getWorkload(ctx.plan.workload)]);
    const state = `${app.sync.status} ${shortHash(app.sync.revision)} ${app.health.status}`;
    if (state !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: state });
    last = state;
    // NOTE: the revert renders what already runs, so Argo CD finds it Synced without a new sync
    // (and without a new history entry): compare with the branch head, not the deployed entry.
    return app.sync.revision === head && app.sync.status === 'Synced' && app.health.status === 'Healthy' && WorkloadState.isRolledOut(workload);
  });
  if (!clean) return StepOutcome.failed(`the app did not sync cleanly to ${shortHash(head)} (last: ${last})`);
  return StepOutcome.succeeded(`${ctx.plan.app} Synced to ${shortHash(head)} (${params.trackedBranch}), Healthy, rolled out`);
});
