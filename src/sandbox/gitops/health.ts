/**
 * Argo CD's health assessment of live objects, with its messages, as gitops-engine computes them:
 * `pkg/health/health_deployment.go` (a Deployment is Suspended while paused; nothing counts until
 * `generation <= status.observedGeneration`; then Degraded on `ProgressDeadlineExceeded`, else
 * Progressing until `kubectl rollout status` would succeed), `health_replicaset.go`, and
 * `health_pod.go` (a container, init containers included, waiting in CrashLoopBackOff,
 * ErrImagePull or ImagePullBackOff makes the Pod Degraded with the kubelet's message). Rollouts:
 * `rollouts/argocd-health.ts` (Argo CD's Lua health check).
 */
import type { HealthStatus } from '../../core/domain.ts';
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../kube/types.ts';
import { rolloutHealth } from '../rollouts/argocd-health.ts';
import type { Rollout } from '../rollouts/types.ts';

export interface Health {
  readonly status: HealthStatus;
  readonly message?: string;
}

export function deploymentHealth(d: Deployment): Health {
  const name = d.metadata.name;
  if (d.spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  }
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${name}" exceeded its progress deadline` };
  }
  const want = d.spec.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  const replicas = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  if (updated < want) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  }
  if (replicas > updated) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { status: 'Healthy' };
}

export function replicaSetHealth(rs: ReplicaSet): Health {
  const want = rs.spec.replicas ?? 1;
  const available = rs.status?.availableReplicas ?? 0;
  if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) {
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed replica set generation less than desired generation' };
  }
  if (available < want) return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} out of ${want} new replicas are available...` };
  return { status: 'Healthy' };
}

export function podHealth(p: Pod): Health {
  const st = p.status ?? {};
  const waiting = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])].find((c) => {
    const r = (c.state?.['waiting'] as { reason?: string } | undefined)?.reason;
    return r === 'CrashLoopBackOff' || r === 'ImagePullBackOff' || r === 'ErrImagePull';
  });
  const reason = (waiting?.state['waiting'] as { reason?: string; message?: string } | undefined)?.reason;
  if (reason === 'CrashLoopBackOff' || reason === 'ImagePullBackOff' || reason === 'ErrImagePull') {
    return { status: 'Degraded', message: (waiting?.state['waiting'] as { message?: string }).message ?? reason };
  }
  if (st.phase === 'Running') {
    const ready = st.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return ready ? { status: 'Healthy' } : { status: 'Progressing' };
  }
  if (st.phase === 'Failed') return { status: 'Degraded' };
  if (st.phase === 'Succeeded') return { status: 'Healthy' };
  return { status: 'Progressing' };
}

export function objectHealth(o: KubeObject | undefined): Health {
  if (!o) return { status: 'Missing' };
  switch (o.kind) {
    case 'Deployment':
      return deploymentHealth(o as Deployment);
    case 'ReplicaSet':
      return replicaSetHealth(o as ReplicaSet);
    case 'Pod':
      return podHealth(o as Pod);
    case 'Rollout':
      return o.apiVersion === undefined || o.apiVersion.startsWith('argoproj.io/') ? rolloutHealth(o as Rollout) : { status: 'Healthy' };
    default:
      return { status: 'Healthy' };
  }
}

const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** The application's health is its worst resource's, as in Argo CD. */
export function worstHealth(all: readonly Health[]): Health {
  let worst: Health = { status: 'Healthy' };
  for (const h of all) if (ORDER.indexOf(h.status) > ORDER.indexOf(worst.status)) worst = h;
  return worst;
}
