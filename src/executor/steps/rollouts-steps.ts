import { RefusedError } from '../../core/errors.ts';
import { describeHold, heldBy } from '../../core/hold.ts';
import type { ArgoRolloutsControl } from '../../core/ports.ts';
import type { RolloutFacts } from '../../core/rollouts/rollout-facts.ts';
import * as ro from '../../core/steps/rollouts-steps.ts';
import { handle, portOf, StepOutcome, type StepContext } from '../step-context.ts';
import { waitUntil } from '../wait-feeds.ts';

const control = (ctx: StepContext): ArgoRolloutsControl => portOf(ctx, 'argoRollouts');

const rsNamed = (r: RolloutFacts, name: string) => r.replicaSets.find((s) => s.name === name);

/**
 * Runs a Rollout action through Argo CD when the plan chose that channel; when Argo CD's RBAC
 * denies it (nothing was changed), through the Kubernetes API with the plugin's own patch.
 */
async function viaChannel(ctx: StepContext, channel: 'argocd' | 'kubernetes', action: string, kube: () => Promise<{ request: string }>): Promise<string[]> {
  const w = ctx.plan.workload;
  if (channel === 'argocd' && ctx.actions) {
    try {
      const r = await ctx.actions.run(ctx.plan.app, { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', namespace: w.namespace, name: w.name }, action);
      return [`Argo CD resource action ${action}: ${r.request}`];
    } catch (e) {
      if (!(e instanceof RefusedError)) throw e;
      const k = await kube();
      return [`${e.message}: sent through the Kubernetes API instead`, k.request];
    }
  }
  return [(await kube()).request];
}

/** `kubectl argo rollouts abort`, idempotent: an aborted Rollout, or one with no update in progress, is left as it is. */
export const rolloutsAbort = handle(ro.rolloutsAbort, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  const stable = rsNamed(r, params.stableReplicaSet);
  if (r.abort) return StepOutcome.skipped(`rollout ${ref.name} is already aborted (${r.message ?? r.phase ?? ''})`);
  if (!stable || r.stableHash !== stable.hash) return StepOutcome.failedAs('refused', `rollout ${ref.name}'s stable ReplicaSet is ${r.stableHash ?? '(none)'} now, the plan expected ${params.stableReplicaSet}: it moved since the plan was made`);
  if (r.currentHash !== params.canaryHash) {
    if (r.currentHash === r.stableHash) return StepOutcome.skipped(`rollout ${ref.name} has no update in progress: it runs its stable ReplicaSet ${stable.name}`);
    return StepOutcome.failedAs('refused', `rollout ${ref.name} now updates to ${r.currentHash ?? '?'}, the plan aborts ${params.canaryHash}`);
  }
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would abort rollout ${ref.name} (${params.channel === 'argocd' ? 'Argo CD resource action' : 'Kubernetes API'})`);
  const sent = await viaChannel(ctx, params.channel, 'abort', () => control(ctx).setAbort(ref, true));
  return StepOutcome.succeeded(`rollout '${ref.name}' aborted: traffic goes back to ${stable.name}; the spec is unchanged, so self-heal has nothing to revert`, ...sent);
});

/** Waits until only the stable ReplicaSet has replicas and all of them are available. */
export const rolloutsWaitStable = handle(ro.rolloutsWaitStable, async (params, ctx) => {
  if (ctx.dryRun) return StepOutcome.skipped('dry run: nothing to wait for');
  const ref = ctx.plan.workload;
  let last = '';
  let r: RolloutFacts | undefined;
  // The Rollout's watch wakes the wait: its controller writes the Rollout's status on every ReplicaSet move.
  const ok = await waitUntil(ctx, { cluster: { client: ctx.cluster, ref } }, async () => {
    r = await control(ctx).read(ref, { signal: ctx.signal });
    const stable = rsNamed(r, params.stableReplicaSet);
    const others = r.replicaSets.filter((s) => s.name !== params.stableReplicaSet && s.replicas > 0);
    const state = `${stable?.name ?? params.stableReplicaSet} ${stable?.availableReplicas ?? 0}/${r.replicas} available; ${others.map((o) => `${o.name} ${o.replicas}`).join(', ') || 'no other ReplicaSet scaled up'}`;
    if (state !== last) ctx.progress({ kind: 'waiting', step: ctx.index, message: state });
    last = state;
    return stable !== undefined && stable.replicas >= r.replicas && stable.availableReplicas >= r.replicas && others.length === 0;
  });
  if (!ok) return StepOutcome.failed(`rollout ${ref.name} did not settle on ${params.stableReplicaSet} (last: ${last})`);
  return StepOutcome.succeeded(`rollout ${ref.name}: every request goes to ${params.stableReplicaSet} (${last}); phase ${r?.phase ?? '?'}${r?.message ? `: ${r.message}` : ''}`);
});

/** `kubectl argo rollouts undo --to-revision`, idempotent by ReplicaSet name (the undo re-numbers it). */
export const rolloutsUndo = handle(ro.rolloutsUndo, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  const target = rsNamed(r, params.replicaSet);
  if (!target) return StepOutcome.failedAs('refused', `ReplicaSet ${params.replicaSet} is gone from rollout ${ref.name}'s history (revisionHistoryLimit?)`);
  if (r.currentHash === target.hash) return StepOutcome.skipped(`rollout ${ref.name}'s template is already ReplicaSet ${target.name}'s (now revision ${target.revision})`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would undo rollout ${ref.name} to ${target.name}`);
  const u = await control(ctx).undoTo(ref, params.replicaSet);
  return StepOutcome.succeeded(`rollout '${ref.name}' undo to ${target.name} (revision ${params.revision}: ${target.images.filter((i) => !i.init).map((i) => i.image).join(', ')})`, u.request);
});

/** `promote --full` once the undo's template is the Rollout's current one; nothing when it is already stable. */
export const rolloutsPromoteFull = handle(ro.rolloutsPromoteFull, async (params, ctx) => {
  const ref = ctx.plan.workload;
  let r = await control(ctx).read(ref, { signal: ctx.signal });
  const target = rsNamed(r, params.replicaSet);
  if (!target) return StepOutcome.failedAs('refused', `ReplicaSet ${params.replicaSet} is gone from rollout ${ref.name}`);
  // The controller must first take the undo's template (currentPodHash = the target), then either
  // fast-track it (rollbackWindow: stable = target) or start the canary steps (paused at the first).
  await waitUntil(ctx, { cluster: { client: ctx.cluster, ref } }, async () => {
    r = await control(ctx).read(ref, { signal: ctx.signal });
    return r.currentHash === target.hash && (r.stableHash === target.hash || r.phase === 'Paused' || r.pauseReasons.length > 0 || r.abort);
  }, 250);
  if (r.currentHash !== target.hash) return StepOutcome.failed(`rollout ${ref.name} never took ReplicaSet ${target.name}'s template (current ${r.currentHash ?? '?'})`);
  if (r.stableHash === target.hash) return StepOutcome.skipped(`rollout ${ref.name} already runs ${target.name} as stable (rollbackWindow or the controller's fast path)`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would promote rollout ${ref.name} fully`);
  const sent = await viaChannel(ctx, params.channel, 'promote-full', () => control(ctx).promote(ref, true));
  return StepOutcome.succeeded(`rollout '${ref.name}' fully promoted to ${target.name}`, ...sent);
});

/** The operator's `retry`: only an aborted update of the same canary; anything else changed since the plan. */
export const rolloutsRetry = handle(ro.rolloutsRetry, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  if (r.currentHash !== params.canaryHash) return StepOutcome.failedAs('refused', `rollout ${ref.name} now updates to ${r.currentHash ?? '?'}, the plan retries ${params.canaryHash}`);
  if (!r.abort) return StepOutcome.skipped(`rollout ${ref.name} is not aborted (${r.phase ?? '?'}): nothing to retry`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would retry rollout ${ref.name}`);
  const sent = await viaChannel(ctx, params.channel, 'retry', () => control(ctx).setAbort(ref, false));
  return StepOutcome.succeeded(`rollout '${ref.name}' retried: the canary ${params.canaryHash} starts its steps again`, ...sent);
});

/** The operator's `promote [--full]`; Argo CD's `resume` clears the pause conditions as the plugin's plain promote does. */
export const rolloutsPromote = handle(ro.rolloutsPromote, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  if (r.currentHash !== params.canaryHash) return StepOutcome.failedAs('refused', `rollout ${ref.name} now updates to ${r.currentHash ?? '?'}, the plan promotes ${params.canaryHash}`);
  if (r.currentHash === r.stableHash) return StepOutcome.skipped(`rollout ${ref.name} has no update in progress: ${params.canaryHash} is already stable`);
  if (r.abort) return StepOutcome.failedAs('refused', `rollout ${ref.name} is aborted: retry it first (rewind rollouts retry ${ctx.plan.app})`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would promote rollout ${ref.name}${params.full ? ' fully' : ''}`);
  const action = params.full ? 'promote-full' : r.pauseReasons.length > 0 || r.specPaused ? 'resume' : 'skip-current-step';
  const sent = await viaChannel(ctx, params.channel, action, () => control(ctx).promote(ref, params.full));
  return StepOutcome.succeeded(`rollout '${ref.name}' ${params.full ? 'fully promoted' : 'promoted'}`, ...sent);
});

/** The hold goes on the Rollout: there is no Application to carry it. */
export const rolloutsWriteHold = handle(ro.rolloutsWriteHold, async (params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  const now = ctx.clock.now().toISOString();
  if (heldBy(r.hold, ctx.runId)) return StepOutcome.skipped(`already held by this run (${ctx.runId})`);
  if (r.hold) return StepOutcome.failedAs('refused', `rollout ${ref.namespace}/${ref.name}: ${describeHold(r.hold, now)}`);
  if (ctx.dryRun) return StepOutcome.skipped(`dry run: would hold rollout ${ref.name} for this run`);
  await control(ctx).writeHold(ref, {
    runId: ctx.runId, app: ctx.plan.app, actor: ctx.actor, host: ctx.host, at: now, ...(ctx.reason ? { reason: ctx.reason } : {}),
    badRevision: params.badRevision, saved: { syncPolicy: { automated: null } }, state: 'active',
  });
  return StepOutcome.succeeded(`held rollout ${ref.namespace}/${ref.name} for run ${ctx.runId} (${ctx.actor}@${ctx.host}): other rewinds refuse to act on it until this run ends`);
});

export const rolloutsReleaseHold = handle(ro.rolloutsReleaseHold, async (_params, ctx) => {
  const ref = ctx.plan.workload;
  const r = await control(ctx).read(ref, { signal: ctx.signal });
  if (!r.hold) return StepOutcome.skipped(`rollout ${ref.name} carries no hold`);
  if (ctx.dryRun) return StepOutcome.skipped('dry run: would release the hold');
  await control(ctx).clearHold(ref, ctx.runId);
  return StepOutcome.succeeded(`released the hold on rollout ${ref.namespace}/${ref.name}`);
});
