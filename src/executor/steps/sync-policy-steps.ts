import { SyncPolicy } from '../../core/domain.ts';
import type { PlanStep } from '../../core/plan.ts';
import { StepOutcome, type StepContext } from '../step-context.ts';

/** Step 3a: turn auto-sync off, keeping prune/selfHeal so `finish` can restore them exactly. */
export async function disableAutoSync(step: PlanStep<'disable-auto-sync'>, ctx: StepContext): Promise<StepOutcome> {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (!SyncPolicy.isAutoSyncOn(app.syncPolicy)) {
    return StepOutcome.skipped(`auto-sync already off on ${ctx.plan.app}`);
  }
  if (ctx.dryRun) return StepOutcome.skipped('dry run: would disable auto-sync');
  const saved = step.params.saved.automated ?? app.syncPolicy.automated;
  await ctx.gitops.setSyncPolicy(ctx.plan.app, {
    automated: saved ? { ...saved, enabled: false } : null,
  });
  const after = await ctx.gitops.getApplication(ctx.plan.app);
  if (SyncPolicy.isAutoSyncOn(after.syncPolicy)) {
    return StepOutcome.failed('Argo CD still reports automated sync enabled after the update');
  }
  return StepOutcome.succeeded(
    `auto-sync disabled (saved prune=${saved?.prune ?? false}, selfHeal=${saved?.selfHeal ?? false} for finish)`,
  );
}

/** For apps whose parent puts syncPolicy back: pin targetRevision to the good SHA instead. */
export async function pinTargetRevision(step: PlanStep<'pin-target-revision'>, ctx: StepContext): Promise<StepOutcome> {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (app.source.targetRevision === step.params.revision) {
    return StepOutcome.skipped(`targetRevision already pinned to ${step.params.revision}`);
  }
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would pin targetRevision to ${step.params.revision}`);
  await ctx.gitops.setTargetRevision(ctx.plan.app, step.params.revision);
  return StepOutcome.succeeded(
    `spec.source.targetRevision ${step.params.previousTargetRevision} -> ${step.params.revision}`,
  );
}
