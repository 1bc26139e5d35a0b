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

/** The owner stops putting the app back before the app is touched (core/owner-strategy.ts). */
export const holdOwner = handle(argocd.argocdHoldOwner, async (params, ctx) => {
  const owner = params.owner;
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (owner.kind === 'ApplicationSet') {
    if (app.owner?.applicationSet?.applicationsSync === 'create-only') return StepOutcome.skipped(`ApplicationSet ${owner.name} is already create-only`);
    if (ctx.dryRun) return StepOutcome.skipped(`dry run: would set ApplicationSet ${owner.name} to create-only`);
    await ctx.gitops.setApplicationsSync(owner.name, 'create-only');
    const after = await ctx.gitops.getApplication(ctx.plan.app);
    if (after.owner?.applicationSet?.applicationsSync !== 'create-only') return StepOutcome.failedAs('system', `ApplicationSet ${owner.name} does not show applicationsSync create-only after the update`);
    return StepOutcome.succeeded(`ApplicationSet ${owner.name}: applicationsSync ${owner.applicationsSync ?? 'unset (sync)'} -> create-only; it creates apps but updates none until the run gives it back`);
  }
  const parent = await ctx.gitops.getApplication(owner.name);
  if (!SyncPolicy.isAutoSyncOn(parent.syncPolicy)) return StepOutcome.skipped(`auto-sync already off on parent ${owner.name}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would turn auto-sync off on parent ${owner.name}`);
  const saved = owner.syncPolicy.automated ?? parent.syncPolicy.automated;
  await ctx.gitops.setSyncPolicy(owner.name, { automated: saved ? { ...saved, enabled: false } : null });
  const after = await ctx.gitops.getApplication(owner.name);
  if (SyncPolicy.isAutoSyncOn(after.syncPolicy)) return StepOutcome.failedAs('system', `parent ${owner.name} still reports automated sync enabled after the update`);
  return StepOutcome.succeeded(`auto-sync off on parent ${owner.name} (saved ${argocd.describePolicy(owner.syncPolicy)})`);
});

/** Exactly what the owner had, from the plan (never re-read from what rewind itself changed). */
export const restoreOwner = handle(argocd.argocdRestoreOwner, async (params, ctx) => {
  const owner = params.owner;
  if (owner.kind === 'ApplicationSet') {
    const app = await ctx.gitops.getApplication(ctx.plan.app);
    const now = app.owner?.applicationSet?.applicationsSync ?? null;
    if (now === owner.applicationsSync) return StepOutcome.skipped(`ApplicationSet ${owner.name} already has applicationsSync ${owner.applicationsSync ?? 'unset'}`);
    if (ctx.dryRun) return StepOutcome.skipped(`dry run: would give ApplicationSet ${owner.name} back applicationsSync ${owner.applicationsSync ?? 'unset'}`);
    await ctx.gitops.setApplicationsSync(owner.name, owner.applicationsSync);
    return StepOutcome.succeeded(`ApplicationSet ${owner.name}: applicationsSync back to ${owner.applicationsSync ?? 'unset (sync)'}; it updates its apps again`);
  }
  const parent = await ctx.gitops.getApplication(owner.name);
  if (JSON.stringify(parent.syncPolicy.automated) === JSON.stringify(owner.syncPolicy.automated)) return StepOutcome.skipped(`parent ${owner.name} already has ${argocd.describePolicy(owner.syncPolicy)}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would restore parent ${owner.name}'s ${argocd.describePolicy(owner.syncPolicy)}`);
  await ctx.gitops.setSyncPolicy(owner.name, owner.syncPolicy);
  return StepOutcome.succeeded(`parent ${owner.name}: restored ${argocd.describePolicy(owner.syncPolicy)}`);
});
