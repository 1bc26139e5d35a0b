import { deployedRevision, shortHash } from '../../core/domain.ts';
import { InternalError } from '../../core/errors.ts';
import { describeHold, heldBy } from '../../core/hold.ts';
import { deadlineCondition, judgeRollout, type RolloutJudgement } from '../../core/rollout-judgement.ts';
import { PAUSED_MESSAGE } from '../../core/rollout-history.ts';
import * as kube from '../../core/steps/kube-steps.ts';
import { handle, portOf, StepOutcome, type StepContext } from '../step-context.ts';
import { waitUntil } from '../wait-feeds.ts';

/** The ReplicaSet the plan undoes to, by name: its revision number changes once it is brought back. */
function targetSet(ctx: StepContext): string {
  const to = ctx.plan.to;
  if (to?.kind !== 'replicaset-revision') throw new InternalError('a kube.* step in a plan that does not undo to a ReplicaSet');
  return to.replicaSet;
}

/** The Deployment (and the Application, when the plan holds one) is where the plan left it. */
export const kubePreflight = handle(kube.kubePreflight, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const h = await portOf(ctx, 'kube').history(ref, { signal: ctx.signal });
  const now = ctx.clock.now().toISOString();
  if (h.hold && !heldBy(h.hold, ctx.runId)) return StepOutcome.failedAs('refused', `deployment ${ref.namespace}/${ref.name}: ${describeHold(h.hold, now)}`);
  if (params.argocdApp) {
    const app = await ctx.gitops.getApplication(ctx.plan.app, { refresh: true });
    if (app.hold && !heldBy(app.hold, ctx.runId)) return StepOutcome.failedAs('refused', describeHold(app.hold, now));
    if (ctx.plan.from.revision !== null && deployedRevision(app) !== ctx.plan.from.revision) {
      return StepOutcome.failedAs('refused', `${ctx.plan.app} moved since the plan was made: it deploys ${shortHash(deployedRevision(app))}, the plan expected ${shortHash(ctx.plan.from.revision)}`);
    }
    if (app.operation?.phase === 'Running') return StepOutcome.failedAs('refused', `an Argo CD operation is already running on ${ctx.plan.app}`);
  }
  const target = h.revisions.find((r) => r.replicaSet === targetSet(ctx));
  if (target?.matchesCurrent) return StepOutcome.succeeded(`already on ReplicaSet ${target.replicaSet} (revision ${target.revision}): the undo will find nothing to do`);
  if (h.paused) return StepOutcome.failedAs('refused', `deployment ${ref.name} was paused since the plan was made: ${PAUSED_MESSAGE}`);
  if (h.generation !== params.generation) return StepOutcome.failedAs('refused', `deployment ${ref.name} changed since the plan was made: generation ${h.generation}, the plan saw ${params.generation}`);
  if (target?.revision !== params.toRevision) return StepOutcome.failedAs('refused', `revision ${params.toRevision} (${targetSet(ctx)}) is no longer in the Deployment's history (revisionHistoryLimit=${h.revisionHistoryLimit})`);
  return StepOutcome.succeeded(`deployment ${ref.name} at generation ${h.generation}; revision ${params.toRevision} is ${target.replicaSet}`);
});

/** The hold goes on the Deployment: there is no Application to carry it. */
export const kubeWriteHold = handle(kube.kubeWriteHold, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const h = await portOf(ctx, 'kube').history(ref, { signal: ctx.signal });
  const now = ctx.clock.now().toISOString();
  if (heldBy(h.hold, ctx.runId)) return StepOutcome.skipped(`already held by this run (${ctx.runId})`);
  if (h.hold) return StepOutcome.failedAs('refused', describeHold(h.hold, now));
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would hold deployment ${ref.name} for this run`);
  await portOf(ctx, 'kube').writeHold(ref, {
    runId: ctx.runId, app: ctx.plan.app, actor: ctx.actor, host: ctx.host, at: now, ...(ctx.reason ? { reason: ctx.reason } : {}),
    badRevision: params.badRevision, saved: { syncPolicy: { automated: null } }, state: 'active',
  });
  return StepOutcome.succeeded(`held deployment ${ref.namespace}/${ref.name} for run ${ctx.runId} (${ctx.actor}@${ctx.host}): other rewinds refuse to act on it until this run ends`);
});

/** `kubectl rollout undo --to-revision N`; idempotent by ReplicaSet name (a rollback re-numbers it). */
export const kubeRolloutUndo = handle(kube.kubeRolloutUndo, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const h = await portOf(ctx, 'kube').history(ref, { signal: ctx.signal });
  const target = h.revisions.find((r) => r.replicaSet === params.replicaSet);
  if (target?.matchesCurrent) return StepOutcome.skipped(`deployment ${ref.name} already runs ReplicaSet ${target.replicaSet} (now revision ${target.revision})`);
  if (!target) return StepOutcome.failedAs('refused', `ReplicaSet ${params.replicaSet} (revision ${params.toRevision}) is gone from deployment ${ref.name}'s history (revisionHistoryLimit=${h.revisionHistoryLimit})`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would roll deployment ${ref.name} back to revision ${target.revision}`);
  const r = await portOf(ctx, 'kube').undo(ref, target.revision);
  if (r.outcome === 'skipped') return StepOutcome.skipped(r.message);
  return StepOutcome.succeeded(`deployment.apps/${ref.name} ${r.message} to revision ${target.revision} (ReplicaSet ${target.replicaSet}: ${target.images.map((i) => i.image).join(', ')})`);
});

/**
 * `kubectl rollout status`, judged on the undo's own template only (core/rollout-judgement.ts): a
 * deadline the bad rollout left is stale; one the restored template hits fails the run.
 */
export const kubeWaitRollout = handle(kube.kubeWaitRollout, async (_params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  const ref = ctx.plan.workload;
  const h = await portOf(ctx, 'kube').history(ref, { signal: ctx.signal });
  const target = h.revisions.find((r) => r.replicaSet === targetSet(ctx));
  let staleDeadline: string | undefined;
  let judged: RolloutJudgement | undefined;
  let last = '';
  const ok = await waitUntil(ctx, { cluster: { client: ctx.cluster, ref } }, async () => {
    const w = await ctx.cluster.getWorkload(ref, { signal: ctx.signal });
    staleDeadline ??= deadlineCondition(w)?.lastUpdateTime ?? '';
    judged = judgeRollout(w, { staleDeadline, ...(target ? { template: target.images } : {}) });
    if (judged.reason !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: judged.reason });
    last = judged.reason;
    return judged.verdict !== 'waiting';
  });
  if (judged?.verdict === 'failed') return StepOutcome.failed(judged.reason, ...judged.evidence);
  if (!ok || judged?.verdict !== 'done') return StepOutcome.failed(`timed out waiting for deployment ${ref.name} to roll out (last: ${last})`, ...(judged?.evidence ?? []));
  return StepOutcome.succeeded(`deployment "${ref.name}" successfully rolled out (${judged.reason})`);
});

export const kubeReleaseHold = handle(kube.kubeReleaseHold, async (_params, ctx) => {
  const ref = ctx.plan.workload;
  const h = await portOf(ctx, 'kube').history(ref, { signal: ctx.signal });
  if (!h.hold) return StepOutcome.skipped(`deployment ${ref.name} carries no hold`);
  if (ctx.dryRun) return StepOutcome.skipped('dry run: would release the hold');
  await portOf(ctx, 'kube').clearHold(ref, ctx.runId);
  return StepOutcome.succeeded(`released the hold on deployment ${ref.namespace}/${ref.name}`);
});
