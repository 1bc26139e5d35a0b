/**
 * Is the rollback's rollout done, still going, or failed? Judged as `kubectl rollout status`
 * judges a Deployment (kubectl `pkg/polymorphichelpers/rollout_status.go`): nothing the status
 * says counts until the controller has observed the spec's generation
 * (`generation <= status.observedGeneration`); then a `Progressing` condition with reason
 * `ProgressDeadlineExceeded` is a failure, and the rollout is complete when every replica is
 * updated, no old one is left and every updated one is available.
 *
 * Two things kubectl does not need and a rollback does: the deadline left behind by the bad
 * rollout is stale (the controller only replaces it once the new template progresses,
 * kubernetes `pkg/controller/deployment/progress.go`), so a deadline condition counts only when
 * its `lastUpdateTime` differs from the one seen before the rollback took effect; and the
 * workload must run the rollback's template, not the bad one Argo CD has not replaced yet.
 *
 * ### Examples
 * ```ts
 * judgeRollout(w, { staleDeadline: '2026-05-20T14:40:00Z', expected }).verdict; // 'waiting' | 'done' | 'failed'
 * ```
 */
import { sameImageRef } from './image-id.ts';
import type { PodImage, WorkloadState } from './domain.ts';

export type RolloutVerdict = 'waiting' | 'done' | 'failed';

export interface RolloutJudgement {
  readonly verdict: RolloutVerdict;
  /** One line: why (kubectl's words where it has some). */
  readonly reason: string;
  /** The Pods that are not running or not ready, with their waiting reasons. */
  readonly evidence: readonly string[];
}

export interface RolloutExpectation {
  /** The rollback's Pod template (every container and init container); absent: not checked. */
  readonly template?: readonly { readonly container: string; readonly image: string; readonly init?: boolean }[];
  /**
   * `lastUpdateTime` of a `ProgressDeadlineExceeded` condition seen before the rollback took
   * effect (or `''` when it had none): that condition belongs to the bad rollout.
   */
  readonly staleDeadline?: string;
}

const PROGRESS_DEADLINE = 'ProgressDeadlineExceeded';

/** The `Progressing` condition when it says the deadline passed. */
export function deadlineCondition(w: WorkloadState): WorkloadState['conditions'][number] | undefined {
  return w.conditions.find((c) => c.type === 'Progressing' && c.reason === PROGRESS_DEADLINE);
}

export function judgeRollout(w: WorkloadState, expect: RolloutExpectation = {}): RolloutJudgement {
  const name = `${w.ref.kind} ${w.ref.name}`;
  if (w.observedGeneration < w.generation) {
    return waiting(`the controller has not observed generation ${w.generation} yet (observed ${w.observedGeneration})`, w);
  }
  const deadline = deadlineCondition(w);
  const ownTemplate = !expect.template || templateMatches(w, expect.template);
  // A deadline counts when it is new since the rollback began and was written for its template.
  if (deadline && ownTemplate && (expect.staleDeadline === undefined || (deadline.lastUpdateTime ?? '') !== expect.staleDeadline)) {
    return {
      verdict: 'failed',
      reason: `${name} exceeded its progress deadline${deadline.message ? `: ${deadline.message}` : ''}`,
      evidence: podTrouble(w.pods),
    };
  }
  if (!ownTemplate) {
    return waiting(`${name} does not run the rollback's template yet (${describeTemplate(w.images)})`, w);
  }
  if (w.paused) return waiting(`${name} is paused`, w);
  if (w.updatedReplicas < w.replicas) {
    return waiting(`Waiting for rollout to finish: ${w.updatedReplicas} out of ${w.replicas} new replicas have been updated...`, w);
  }
  if (w.availableReplicas < w.updatedReplicas) {
    return waiting(`Waiting for rollout to finish: ${w.availableReplicas} of ${w.updatedReplicas} updated replicas are available...`, w);
  }
  if (deadline) return waiting(`${name} still carries the bad rollout's deadline condition`, w);
  return { verdict: 'done', reason: `${name} successfully rolled out`, evidence: [] };
}

function waiting(reason: string, w: WorkloadState): RolloutJudgement {
  return { verdict: 'waiting', reason, evidence: podTrouble(w.pods) };
}

function templateMatches(w: WorkloadState, template: NonNullable<RolloutExpectation['template']>): boolean {
  const key = (c: { container: string; init?: boolean }) => `${c.init ? 'init:' : ''}${c.container}`;
  if (w.images.length !== template.length) return false;
  const live = new Map(w.images.map((c) => [key(c), c.image]));
  return template.every((c) => {
    const image = live.get(key(c));
    return image !== undefined && sameImageRef(image, c.image);
  });
}

function describeTemplate(images: WorkloadState['images']): string {
  return images.map((c) => `${c.init ? 'init ' : ''}${c.container}=${c.image}`).join(', ') || 'no containers';
}

/** `pod/container: CrashLoopBackOff (5 restarts): back-off 2m40s restarting failed container` */
function podTrouble(pods: readonly PodImage[]): string[] {
  return pods
    .filter((p) => p.waiting || (!p.ready && !p.init))
    .map((p) => {
      const what = p.waiting ? p.waiting.reason : 'not ready';
      const restarts = p.restartCount > 0 ? ` (${p.restartCount} restart${p.restartCount === 1 ? '' : 's'})` : '';
      const last = p.lastTerminated?.reason ? `, last exit ${p.lastTerminated.reason}${p.lastTerminated.exitCode !== undefined ? ` (${p.lastTerminated.exitCode})` : ''}` : '';
      const msg = p.waiting?.message ? `: ${p.waiting.message}` : '';
      return `${p.pod}/${p.init ? 'init:' : ''}${p.container}: ${what}${restarts}${last}${msg}`;
    });
}

/**
 * Argo CD's operation, judged for the rollback's own revision: a failed operation that synced
 * something else (an older sync) is not the rollback's failure.
 */
export function judgeOperation(
  op: { readonly phase: string; readonly message?: string; readonly revision?: string } | undefined,
  targetRevision: string,
): RolloutJudgement {
  if (!op) return { verdict: 'done', reason: 'no operation', evidence: [] };
  const mine = op.revision === undefined || op.revision === targetRevision;
  if (op.phase === 'Failed' || op.phase === 'Error') {
    return mine
      ? { verdict: 'failed', reason: `Argo CD operation ${op.phase}: ${op.message ?? ''}`.trim(), evidence: [] }
      : { verdict: 'waiting', reason: `an earlier operation (${op.revision?.slice(0, 7)}) ended ${op.phase}`, evidence: [] };
  }
  if (op.phase === 'Succeeded') return mine ? { verdict: 'done', reason: 'operation succeeded', evidence: [] } : { verdict: 'waiting', reason: 'the rollback operation has not started', evidence: [] };
  return { verdict: 'waiting', reason: `operation ${op.phase}`, evidence: [] };
}
