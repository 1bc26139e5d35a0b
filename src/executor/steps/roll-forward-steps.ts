import { deployedRevision, runningRevision, shortHash } from '../../core/domain.ts';
import { AdapterError, NotFoundError } from '../../core/errors.ts';
import { describeHold } from '../../core/hold.ts';
import { followupAwaitFixMerged, rollforwardPreflight, rollforwardSyncFix } from '../../core/steps/roll-forward-steps.ts';
import { handle, repoOf, StepOutcome } from '../step-context.ts';

/** Before anything changes: the app runs what the plan rolled forward from, nothing synced since, and the fix still resolves. */
export const rollForwardPreflight = handle(rollforwardPreflight, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app, { refresh: true });
  if (app.hold && !(app.hold.ok && app.hold.hold.runId === ctx.runId)) return StepOutcome.failedAs('refused', describeHold(app.hold, ctx.clock.now().toISOString()));
  const running = runningRevision(app);
  if (running === params.fixRevision) return StepOutcome.succeeded(`already on the fix ${shortHash(params.fixRevision)}: the sync will find nothing to do`);
  if (running !== ctx.plan.from.revision) {
    return StepOutcome.failedAs('refused', `the app moved since the plan was made: it runs ${shortHash(running)}, the plan expected ${shortHash(ctx.plan.from.revision ?? '')}`);
  }
  const latest = app.history.reduce<number | null>((max, h) => (max === null || h.id > max ? h.id : max), null);
  const expected = ctx.plan.assumptions['argocd.latestHistoryId'] ?? null;
  if (latest !== expected) return StepOutcome.failedAs('refused', `a sync landed since the plan was made: newest history id ${latest ?? 'none'}, the plan saw ${String(expected ?? 'none')}`);
  if (app.operation?.phase === 'Running') return StepOutcome.failedAs('refused', `an Argo CD operation is already running on ${ctx.plan.app}`);
  try {
    const resolved = await repoOf(ctx).resolve(params.fixRevision);
    if (resolved !== params.fixRevision) return StepOutcome.failedAs('refused', `the fix resolves to ${shortHash(resolved)}, not ${shortHash(params.fixRevision)}`);
  } catch (e) {
    if (e instanceof NotFoundError) return StepOutcome.failedAs('refused', `the fix ${shortHash(params.fixRevision)} is not in the config repo any more (force-pushed away?)`);
    throw e;
  }
  return StepOutcome.succeeded(`${ctx.plan.app} runs ${shortHash(running)}, ${app.sync.status}/${app.health.status}; the fix ${shortHash(params.fixRevision)} is in the config repo`);
});

/** `argocd app sync APP --revision FIX`: idempotent (skips when the fix is deployed or its operation runs). */
export const rollForwardSyncFix = handle(rollforwardSyncFix, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  const short = shortHash(params.revision);
  if (deployedRevision(app) === params.revision) return StepOutcome.skipped(`already deployed ${short}`);
  if (app.operation?.phase === 'Running' && app.operation.revision === params.revision) return StepOutcome.skipped(`an operation to ${short} is already running; the wait follows it`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would sync ${ctx.plan.app} to ${short}`);
  await ctx.gitops.sync(ctx.plan.app, { revision: params.revision, prune: params.prune });
  return StepOutcome.succeeded(`sync to the fix ${short} accepted`);
});

/** Pending until the fix (or a merge containing it) is on the tracked branch. */
export const awaitFixMerged = handle(followupAwaitFixMerged, async (params, ctx) => {
  const repo = repoOf(ctx);
  const short = shortHash(params.fixRevision);
  try {
    await repo.fetch();
  } catch (e) {
    if (!(e instanceof AdapterError && e.transient)) throw e;
    return StepOutcome.pending(`cannot fetch the config repo (${e.message}); whether ${short} is on ${params.trackedBranch} cannot be checked until git is reachable: then \`rewind finish ${ctx.plan.app}\``);
  }
  if (!(await repo.contains(params.fixRevision, params.trackedBranch))) {
    return StepOutcome.pending(`the fix ${short} is not on ${params.trackedBranch} yet: merge it (then \`rewind finish ${ctx.plan.app}\`)`);
  }
  return StepOutcome.succeeded(`the fix ${short} is on ${params.trackedBranch}`);
});
