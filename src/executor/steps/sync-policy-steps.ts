import { SyncPolicy } from '../../core/domain.ts';
import * as argocd from '../../core/steps/argocd-steps.ts';
import { handle, StepOutcome } from '../step-context.ts';

/** Step 3a: turn auto-sync off, keeping prune/selfHeal so the follow-up can restore them exactly. */
export const disableAutoSync = handle(argocd.argocdDisableAutoSync, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (!SyncPolicy.isAutoSyncOn(app.syncPolicy)) return StepOutcome.skipped(`auto-sync already off on ${ctx.plan.app}`);
  if (ctx.dryRun) return StepOutcome.skipped('dry run: would disable auto-sync');
  const saved = params.saved.automated ?? app.syncPolicy.automated;
  await ctx.gitops.setSyncPolicy(ctx.plan.app, { automated: saved ? { ...saved, enabled: false } : null });
  const after = await ctx.gitops.getApplication(ctx.plan.app);
  if (SyncPolicy.isAutoSyncOn(after.syncPolicy)) return StepOutcome.failedAs('system', 'Argo CD still reports automated sync enabled after the update');
  return StepOutcome.succeeded(`auto-sync disabled (saved prune=${saved?.prune ?? false}, selfHeal=${saved?.selfHeal ?? false} for the follow-up)`);
});

/** For apps whose parent puts syncPolicy back: pin targetRevision to the good SHA instead. */
export const pinTargetRevision = handle(argocd.argocdPinTargetRevision, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (app.source.targetRevision === params.revision) return StepOutcome.skipped(`targetRevision already pinned to ${params.revision}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would pin targetRevision to ${params.revision}`);
  await ctx.gitops.setTargetRevision(ctx.plan.app, params.revision);
  return StepOutcome.succeeded(`spec.source.targetRevision ${params.previousTargetRevision} -> ${params.revision}`);
});

/** Step 3d: the branch is the app's source again. */
export const unpinTargetRevision = handle(argocd.argocdUnpinTargetRevision, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (app.source.targetRevision === params.previousTargetRevision) return StepOutcome.skipped(`targetRevision is already ${params.previousTargetRevision}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would set targetRevision back to ${params.previousTargetRevision}`);
  await ctx.gitops.setTargetRevision(ctx.plan.app, params.previousTargetRevision);
  return StepOutcome.succeeded(`spec.source.targetRevision -> ${params.previousTargetRevision}`);
});

/** Step 3d: exactly the policy the run saved (what rewind changed is never re-read from live state). */
export const restoreSyncPolicy = handle(argocd.argocdRestoreSyncPolicy, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  const same = JSON.stringify(app.syncPolicy.automated) === JSON.stringify(params.saved.automated);
  if (same) return StepOutcome.skipped(`${argocd.describePolicy(params.saved)} is already in place`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would restore ${argocd.describePolicy(params.saved)}`);
  await ctx.gitops.setSyncPolicy(ctx.plan.app, params.saved);
  return StepOutcome.succeeded(`restored ${argocd.describePolicy(params.saved)}`);
});
