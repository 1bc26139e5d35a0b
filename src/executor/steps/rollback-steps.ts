import { deployedRevision, runningRevision, shortHash, SyncPolicy, type ApplicationState } from '../../core/domain.ts';
import { verifyContainers } from '../../core/container-verification.ts';
import { deadlineCondition, judgeOperation, judgeRollout, type RolloutJudgement } from '../../core/rollout-judgement.ts';
import { expectedDigests, expectedTemplate } from './container-checks.ts';
import { describeHold } from '../../core/hold.ts';
import * as argocd from '../../core/steps/argocd-steps.ts';
import { verifyDigest as verifyDigestStep } from '../../core/steps/verify-steps.ts';
import { handle, StepOutcome } from '../step-context.ts';
import { waitUntil } from '../wait-feeds.ts';

/** Pre-flight, re-run at execution time: the app is where the plan expects it. */
export const preflight = handle(argocd.argocdPreflight, async (_params, ctx) => {
  const app = await ctx.gitops.getApplication(ctx.plan.app, { refresh: true });
  const { from, to } = ctx.plan;
  if (app.hold && !(app.hold.ok && app.hold.hold.runId === ctx.runId)) {
    return StepOutcome.failedAs('refused', describeHold(app.hold, ctx.clock.now().toISOString()));
  }
  const running = runningRevision(app);
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
  if (runningRevision(app) === params.revision && latest?.revision === params.revision) {
    return StepOutcome.skipped(`already synced to ${shortHash(params.revision)} (history id ${latest.id})`);
  }
  // Resumed after a crash while the rollback ran: Argo CD would refuse a second operation, and the wait follows this one.
  if (app.operation?.phase === 'Running' && app.operation.revision === params.revision) {
    return StepOutcome.skipped(`an operation to ${shortHash(params.revision)} is already running; the wait follows it`);
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

/**
 * Step 3b's wait: the operation to the target succeeded, Healthy, and the workload rolled out,
 * judged only on what the controller observed for the rollback (core/rollout-judgement.ts): the
 * bad rollout's stale deadline never fails it, a deadline the rollback's own template hits does.
 */
/** The deadline baseline when the wait first reads the workload after the operation finished. */
function staleBaseline(deadlineAt: string | undefined, operationFinishedAt: string | undefined): string {
  if (deadlineAt === undefined) return '';
  return operationFinishedAt !== undefined && Date.parse(deadlineAt) > Date.parse(operationFinishedAt) ? '' : deadlineAt;
}

export const waitHealthy = handle(argocd.argocdWaitHealthy, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  const target = params.revision;
  const ref = ctx.plan.workload;
  const template = ctx.verification?.templates
    ? await ctx.verification.templates.podTemplate(target, { signal: ctx.signal }).catch(() => undefined)
    : undefined;
  // The deadline condition seen on the first read belongs to the bad rollout (see judgeRollout).
  let staleDeadline: string | undefined;
  let last = '';
  let failed: string | undefined;
  let judged: RolloutJudgement | undefined;
  const watched = { gitops: { client: ctx.gitops, app: ctx.plan.app }, cluster: { client: ctx.cluster, ref } };
  const ok = await waitUntil(ctx, watched, async (reads) => {
    const [app, workload] = await Promise.all([reads.app(() => ctx.gitops.getApplication(ctx.plan.app)), reads.workload(() => ctx.cluster.getWorkload(ref, { signal: ctx.signal }))]);
    const op = judgeOperation(app.operation, target);
    if (op.verdict === 'failed') {
      failed = op.reason;
      return true;
    }
    // Until Argo CD has applied the rollback, every deadline on the workload is the bad rollout's:
    // keep it as the baseline and judge nothing (a deadline the bad rollout hits while the operation
    // runs must not read as the rollback's).
    if (op.verdict !== 'done') {
      staleDeadline = deadlineCondition(workload)?.lastUpdateTime ?? '';
      const state = `${op.reason}; waiting for Argo CD to apply ${shortHash(target)}`;
      if (state !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: state });
      last = state;
      return false;
    }
    // First read already past the operation (resumed after a crash in this step, or the operation
    // finished before the wait began): a deadline written after the rollback's operation finished
    // is the rollback's own, not the bad rollout's (the crash campaign's find: resume waited out its
    // whole timeout on a rollback that had already failed).
    staleDeadline ??= staleBaseline(deadlineCondition(workload)?.lastUpdateTime, app.operation?.finishedAt);
    judged = judgeRollout(workload, { staleDeadline, ...(template ? { template: template.containers.map((c) => ({ container: c.name, image: c.image, init: c.init })) } : {}) });
    if (judged.verdict === 'failed') return true;
    const running = deployedRevision(app);
    const state = `deployed ${shortHash(running)} (${app.operation ? `operation ${app.operation.phase}` : 'no operation'}), ${app.health.status}, ${judged.reason}`;
    if (state !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: state });
    last = state;
    // NOTE: after a rollback Argo CD reports OutOfSync (the tracked branch still points at the bad
    // commit), so "done" is: the operation succeeded on the target, Healthy, rollout complete.
    return running === target && op.verdict === 'done' && healthAfterRollback(app) && judged.verdict === 'done';
  });
  // An operation Argo CD reports as failed is a system failure (exit 3), not the service coming up wrong.
  if (failed !== undefined) return StepOutcome.failedAs('system', failed);
  if (judged?.verdict === 'failed') return StepOutcome.failed(judged.reason, ...judged.evidence);
  if (!ok) return StepOutcome.failed(`timed out waiting for Synced/Healthy on ${shortHash(target)} (last: ${last})`, ...(judged?.evidence ?? []));
  return StepOutcome.succeeded(`running ${shortHash(target)}, Healthy, rollout complete (${last})`);
});

/**
 * Step 3c: every live Pod runs the target revision's Pod template, every container and init
 * container, by reference and by digest (core/container-verification.ts); never vacuous.
 */
export const verifyDigest = handle(verifyDigestStep, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to verify');
  const workload = await ctx.cluster.getWorkload(ctx.plan.workload, { signal: ctx.signal });
  const template = await expectedTemplate(ctx.verification, ctx.plan.to?.revision, params.expectedImages, workload, ctx.signal);
  const expected = template?.containers ?? [];
  const digests = await expectedDigests(ctx.verification, expected, ctx.signal);
  const r = verifyContainers({ expected, digests, pods: workload.pods, allowUnresolvedTags: ctx.verification?.allowUnresolvedTags ?? false });
  const source = template ? [`expected: ${template.source}`] : [];
  if (r.verdict === 'verified') return StepOutcome.succeeded(r.summary, ...source, ...r.checked, ...r.unchecked.map((u) => `by tag only: ${u}`));
  return StepOutcome.failed(r.summary, ...r.problems, ...r.unchecked.map((u) => `could not check: ${u}`), ...source);
});

/**
 * Argo CD computes an app's health against the tracked branch (upstream `controller/health.go`
 * setApplicationHealth: a resource the target declares but the cluster lacks is Missing, and
 * Missing is worse than Healthy). After a rollback the branch still carries the bad release, so
 * an object only that release added (and the rollback's revision lacks) keeps the app Missing
 * until the revert. With the operation to the target Succeeded, every object of the target was
 * applied, so Missing on an OutOfSync app can only be such an object: the workload's rollout
 * judges the rollback then. Degraded and Progressing still wait.
 */
function healthAfterRollback(app: ApplicationState): boolean {
  return app.health.status === 'Healthy' || (app.health.status === 'Missing' && app.sync.status === 'OutOfSync');
}
