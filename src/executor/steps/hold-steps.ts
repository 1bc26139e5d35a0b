import { describeHold } from '../../core/hold.ts';
import * as argocd from '../../core/steps/argocd-steps.ts';
import { handle, StepOutcome } from '../step-context.ts';

/** The run's first mutating step: the hold on the Application, naming this run. */
export const writeHold = handle(argocd.argocdWriteHold, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  const now = ctx.clock.now().toISOString();
  if (app.hold?.ok && app.hold.hold.runId === ctx.runId) return StepOutcome.skipped(`already held by this run (${ctx.runId})`);
  if (app.hold) return StepOutcome.failedAs('refused', describeHold(app.hold, now));
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would hold ${ctx.plan.app} for this run`);
  await ctx.gitops.writeHold(ctx.plan.app, {
    runId: ctx.runId,
    app: ctx.plan.app,
    actor: ctx.actor,
    host: ctx.host,
    at: now,
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    badRevision: params.badRevision,
    saved: params.saved,
    state: 'active',
  }, params.on);
  const where = params.on ? ` (written on ApplicationSet ${params.on.name}, which would wipe the app's own annotations)` : '';
  return StepOutcome.succeeded(`held ${ctx.plan.app} for run ${ctx.runId} (${ctx.actor}@${ctx.host})${where}: other rewinds refuse to act on it until this run ends`);
});

/** The run's last step: the app is given back. */
export const releaseHold = handle(argocd.argocdReleaseHold, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  if (!app.hold) return StepOutcome.skipped(`${ctx.plan.app} carries no hold`);
  if (ctx.dryRun) return StepOutcome.skipped('dry run: would release the hold');
  await ctx.gitops.clearHold(ctx.plan.app, ctx.runId, params.on);
  return StepOutcome.succeeded(`released the hold on ${ctx.plan.app}`);
});
