import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** Argo CD's resource action when the app is Argo CD's and its RBAC allows it; the Kubernetes API otherwise. */
const channel = S.literal('argocd', 'kubernetes');

/** The ReplicaSet a rollouts step names must be the plan's target. */
function notTarget(replicaSet: string, plan: Plan): string | undefined {
  if (plan.to?.kind !== 'replicaset-revision') return 'the plan does not name a ReplicaSet to return to';
  return replicaSet === plan.to.replicaSet ? undefined : `returns to ReplicaSet ${replicaSet}, but the plan's target is ${plan.to.replicaSet}`;
}

/**
 * The plugin's `abort` (argo-rollouts `cmd/abort/abort.go`): `status.abort=true`, so the controller
 * scales the canary down and sends every request to stable. The spec is untouched: Argo CD's
 * self-heal has nothing to put back. Through Argo CD's `abort` action (one audit trail there) or
 * the Kubernetes API; an Argo CD RBAC denial falls back to the Kubernetes API.
 */
export const rolloutsAbort = defineStep({
  kind: 'rollouts.abort',
  phase: 'mitigate',
  params: S.object({ canaryHash: S.string(), stableReplicaSet: S.string(), channel }),
  ports: ['rollouts'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (p, plan) => notTarget(p.stableReplicaSet, plan),
});

/**
 * Traffic is back on the stable ReplicaSet: the canary scaled to zero and every desired replica of
 * stable available (the controller's own abort, or a rewind undo that reached it).
 */
export const rolloutsWaitStable = defineStep({
  kind: 'rollouts.wait-stable',
  phase: 'verify',
  params: S.object({ stableReplicaSet: S.string() }),
  ports: ['rollouts'],
  expectedSeconds: 30,
  failure: 'verification',
  contradicts: (p, plan) => notTarget(p.stableReplicaSet, plan),
});

/**
 * The plugin's `undo` (argo-rollouts `cmd/undo/undo.go`): `/spec/template` replaced with the
 * wanted ReplicaSet's template (hash label removed), on the Rollout or on the Deployment its
 * `workloadRef` names. It changes the spec, so the plan holds Argo CD's self-heal first.
 */
export const rolloutsUndo = defineStep({
  kind: 'rollouts.undo',
  phase: 'mitigate',
  params: S.object({ replicaSet: S.string(), revision: S.integer({ min: 1 }) }),
  ports: ['rollouts'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (p, plan) => notTarget(p.replicaSet, plan),
});

/**
 * After an undo that is not fast-tracked (no `rollbackWindow`), the controller walks the canary
 * steps again and stops at the first indefinite pause: promote it fully (`promote --full`,
 * argo-rollouts `cmd/promote/promote.go`), so the known-good version gets all traffic now.
 */
export const rolloutsPromoteFull = defineStep({
  kind: 'rollouts.promote-full',
  phase: 'mitigate',
  params: S.object({ replicaSet: S.string(), channel }),
  ports: ['rollouts'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (p, plan) => notTarget(p.replicaSet, plan),
});

/**
 * A Rollout no GitOps controller manages has no Application to annotate: the hold (core/hold.ts,
 * the same `rewind.io/hold` format) goes on the Rollout, so a second rewind on any host refuses
 * while this run is open. The undo patches the template (or the workloadRef Deployment), never
 * the Rollout's annotations, so the hold stays through it.
 */
export const rolloutsWriteHold = defineStep({
  kind: 'rollouts.write-hold',
  phase: 'mitigate',
  params: S.object({ badRevision: S.string() }),
  ports: ['rollouts'],
  expectedSeconds: 1,
  failure: 'refused',
  holds: (_p, plan) => `the hold annotation on rollout ${plan.workload.namespace}/${plan.workload.name}`,
});

/** The run's last step on a Rollout it held. */
export const rolloutsReleaseHold = defineStep({
  kind: 'rollouts.release-hold',
  phase: 'follow-up',
  params: S.object({}),
  ports: ['rollouts'],
  expectedSeconds: 1,
  failure: 'system',
  releases: ['rollouts.write-hold'],
});

/**
 * The plugin's `retry` (argo-rollouts `cmd/retry/retry.go`: `status.abort=false`, subresource
 * first) or Argo CD's `retry` action: an aborted update starts its canary steps again.
 */
export const rolloutsRetry = defineStep({
  kind: 'rollouts.retry',
  phase: 'mitigate',
  params: S.object({ canaryHash: S.string(), channel }),
  ports: ['rollouts'],
  expectedSeconds: 2,
  failure: 'system',
});

/**
 * The plugin's `promote [--full]` (argo-rollouts `cmd/promote/promote.go`), or Argo CD's
 * `resume` / `promote-full` actions: the canary goes on to its next step, or to 100%.
 */
export const rolloutsPromote = defineStep({
  kind: 'rollouts.promote',
  phase: 'mitigate',
  params: S.object({ canaryHash: S.string(), full: S.boolean(), channel }),
  ports: ['rollouts'],
  expectedSeconds: 2,
  failure: 'system',
});
