import { deployedRevision, shortHash, SyncPolicy, WorkloadState } from '../../core/domain.ts';
import { describeHold } from '../../core/hold.ts';
import * as argocd from '../../core/steps/argocd-steps.ts';
import { verifyDigest as verifyDigestStep } from '../../core/steps/verify-steps.ts';
import { handle, StepOutcome } from '../step-context.ts';
import { pollUntil } from '../wait.ts';

/** Pre-flight, re-run at execution time: the app is where the plan expects it. */
export const preflight = handle(argocd.argocdPreflight, async (_params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app, { refresh: true });
  const { from, to } = ctx.plan;
  if (app.hold && !(app.hold.ok && app.hold.hold.runId === ctx.runId)) {
    return StepOutcome.failedAs('refused', describeHold(app.hold, ctx.clock.now().toISOString()));
  }
  const running = deployedRevision(app);
  if (to && running === to.revision) {
    return StepOutcome.succeeded(`already on ${shortHash(to.revision)}: the rollback steps will find nothing to do`);
  }
  if (running !== from.revision) {
    return StepOutcome.failedAs('refused', `the app moved since the plan was made: it runs ${shortHash(running)}, the plan expected ${shortHash(from.revision ?? '')}`);
  }
  const latest = app.history.reduce<number | null>((max, h) => (max === null || h.id > max ? h.id : max), null);
  const expected = ctx.plan.assumptions['argocd.latestHistoryId'] ?? null;
  if (latest !== expected) {
    return StepOutcome.failedAs('refused', `a sync landed since the plan was made: newest history id ${latest ?? 'none'}, the plan saw ${String(expected ?? 'none')}`);
  }
  if (to && !app.history.some((h) => h.id === to.historyId && h.revision === to.revision)) {
    return StepOutcome.failedAs('refused', `history id ${to.historyId} (${shortHash(to.revision)}) is no longer in the app's history (trimmed?)`);
  }
  if (app.operation?.phase === 'Running') {
    return StepOutcome.failedAs('refused', `an Argo CD operation is already running on ${ctx.plan.app}`);
  }
  return StepOutcome.succeeded(`${ctx.plan.app} runs ${shortHash(running)}, ${app.sync.status}/${app.health.status}`);
});

/** Step 3b: `argocd app rollback APP ID`. */
export const argocdRollback = handle(argocd.argocdRollback, async (params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app);
  const latest = app.history[app.history.length - 1];
  if (deployedRevision(app) === params.revision && latest?.revision === params.revision) {
    return StepOutcome.skipped(`already synced to ${shortHash(params.revision)} (history id ${latest.id})`);
  }
  if (ctx.dryRun) {
    if (!app.history.some((h) => h.id === params.id)) {
      return StepOutcome.failedAs('refused', `history id ${params.id} is no longer in ${ctx.plan.app}'s history`);
    }
    // NOTE: with auto-sync still on (the dry run did not disable it) Argo CD refuses even a
    // dry-run rollback, so only ask it when it would answer.
    if (SyncPolicy.isAutoSyncOn(app.syncPolicy)) {
      return StepOutcome.skipped(`dry run: would roll back to history id ${params.id} (${shortHash(params.revision)}) once auto-sync is off`);
    }
    await ctx.gitops.rollback(ctx.plan.app, params.id, { prune: params.prune, dryRun: true });
    return StepOutcome.skipped(`dry run: Argo CD accepted a dry-run rollback to id ${params.id}`);
  }
  await ctx.gitops.rollback(ctx.plan.app, params.id, { prune: params.prune });
  return StepOutcome.succeeded(`rollback to history id ${params.id} (revision ${shortHash(params.revision)}) accepted`);
});

/** Step 3b's wait: Synced to the target, Healthy, and the workload rolled out. */
export const waitHealthy = handle(argocd.argocdWaitHealthy, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  const target = params.revision;
  const ref = ctx.plan.workload;
  let last = '';
  let failed: string | undefined;
  const ok = await pollUntil(ctx, async () => {
    const [app, workload] = await Promise.all([ctx.gitops.getApplication(ctx.plan.app), ctx.cluster.getWorkload(ref)]);
    const running = deployedRevision(app);
    const op = app.operation ? `operation ${app.operation.phase}` : 'no operation';
    const state = `deployed ${shortHash(running)} (${op}), ${app.health.status}, ${workload.updatedReplicas}/${workload.replicas} updated, ${workload.availableReplicas} available`;
    if (state !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: state });
    last = state;
    if (app.operation && (app.operation.phase === 'Failed' || app.operation.phase === 'Error')) {
      failed = `Argo CD operation ${app.operation.phase}: ${app.operation.message ?? ''}`;
      return true;
    }
    if (WorkloadState.deadlineExceeded(workload)) throw new Error(`${ref.kind} ${ref.name} exceeded its progress deadline`);
    // NOTE: after a rollback Argo CD reports OutOfSync (the tracked branch still points at the bad
    // commit), so "done" is: the operation succeeded on the target, Healthy, rollout complete.
    const opDone = !app.operation || app.operation.phase === 'Succeeded';
    return running === target && opDone && app.health.status === 'Healthy' && WorkloadState.isRolledOut(workload);
  });
  // An operation Argo CD reports as failed is a system failure (exit 3), not the service coming up wrong.
  if (failed !== undefined) return StepOutcome.failedAs('system', failed);
  if (!ok) return StepOutcome.failed(`timed out waiting for Synced/Healthy on ${shortHash(target)} (last: ${last})`);
  return StepOutcome.succeeded(`running ${shortHash(target)}, Healthy, rollout complete (${last})`);
});

/** Step 3c: every Pod runs the good digest (containerStatuses[].imageID, not the spec). */
export const verifyDigest = handle(verifyDigestStep, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to verify');
  const workload = await ctx.cluster.getWorkload(ctx.plan.workload);
  const expected = params.expectedImages.map(digestOf).filter((d): d is string => d !== undefined);
  if (workload.pods.length === 0) return StepOutcome.failed('no Pods found for the workload');
  const wrong = workload.pods.filter((p) => {
    const running = digestOf(p.imageID);
    return expected.length > 0 ? !running || !expected.includes(running) : !p.imageID;
  });
  if (wrong.length > 0) {
    return StepOutcome.failed(
      `${wrong.length}/${workload.pods.length} Pods do not run the good digest`,
      ...wrong.map((p) => `${p.pod}/${p.container}: ${p.imageID || '(not running)'}`),
    );
  }
  return StepOutcome.succeeded(
    `${workload.pods.length}/${workload.pods.length} Pods run ${expected.map((d) => d.slice(0, 19)).join(', ') || 'their images'}`,
    ...workload.pods.map((p) => `${p.pod}: ${p.imageID}`),
  );
});

export function digestOf(image: string): string | undefined {
  const m = /sha256:[0-9a-f]{64}/.exec(image);
  return m?.[0];
}
