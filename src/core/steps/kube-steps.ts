import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** The ReplicaSet revision a step names must be the plan's target. */
function notTargetRevision(revision: number, plan: Plan): string | undefined {
  if (plan.to?.kind !== 'replicaset-revision') return 'the plan does not undo to a ReplicaSet revision';
  return revision === plan.to.replicaSetRevision ? undefined : `undoes to revision ${revision}, but the plan's target is revision ${plan.to.replicaSetRevision}`;
}

/**
 * Re-checks the Deployment against the plan before anything changes: the same generation, not
 * paused, the target ReplicaSet still there, and no other run's hold (on the Deployment, and on
 * the Argo CD Application when the plan also holds one).
 */
export const kubePreflight = defineStep({
  kind: 'kube.preflight',
  phase: 'mitigate',
  params: S.object({ generation: S.integer({ min: 0 }), toRevision: S.integer({ min: 1 }), argocdApp: S.boolean() }),
  ports: ['cluster', 'kube'],
  expectedSeconds: 2,
  failure: 'refused',
  contradicts: (p, plan) => notTargetRevision(p.toRevision, plan),
});

/**
 * A Deployment no GitOps controller manages has no Application to annotate: the hold
 * (core/hold.ts, same `rewind.io/hold` format) goes on the Deployment itself, so a second rewind
 * on any host refuses while this run is open.
 */
export const kubeWriteHold = defineStep({
  kind: 'kube.write-hold',
  phase: 'mitigate',
  params: S.object({ badRevision: S.string() }),
  ports: ['kube'],
  expectedSeconds: 1,
  failure: 'refused',
  holds: (_p, plan) => `the hold annotation on deployment ${plan.workload.namespace}/${plan.workload.name}`,
});

/** `kubectl rollout undo deployment/NAME --to-revision N`, through the Kubernetes API. */
export const kubeRolloutUndo = defineStep({
  kind: 'kube.rollout-undo',
  phase: 'mitigate',
  params: S.object({ toRevision: S.integer({ min: 1 }), replicaSet: S.string() }),
  ports: ['kube'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (p, plan) => notTargetRevision(p.toRevision, plan),
});

/** `kubectl rollout status`: the undo's generation observed, every replica updated and available. */
export const kubeWaitRollout = defineStep({
  kind: 'kube.wait-rollout',
  phase: 'verify',
  params: S.object({ toRevision: S.integer({ min: 1 }) }),
  ports: ['cluster'],
  expectedSeconds: 60,
  failure: 'verification',
  contradicts: (p, plan) => notTargetRevision(p.toRevision, plan),
});

/** The run's last step on a Deployment it held. */
export const kubeReleaseHold = defineStep({
  kind: 'kube.release-hold',
  phase: 'follow-up',
  params: S.object({}),
  ports: ['kube'],
  expectedSeconds: 1,
  failure: 'system',
  releases: ['kube.write-hold'],
});
