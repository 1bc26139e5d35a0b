import type { HoldReading } from './hold.ts';

/**
 * A Deployment's rollout history as `kubectl rollout history` shows it: its ReplicaSets, each
 * numbered by the `deployment.kubernetes.io/revision` annotation the Deployment controller writes
 * (a rollback re-numbers the ReplicaSet it brings back, so numbers have gaps).
 */
export interface ReplicaSetRevision {
  readonly revision: number;
  readonly replicaSet: string;
  /** Every container and init container of its Pod template. */
  readonly images: readonly { readonly container: string; readonly image: string; readonly init?: boolean }[];
  /** `kubernetes.io/change-cause`, when someone recorded one. */
  readonly changeCause?: string;
  /** Its Pod template equals the Deployment's, ignoring `pod-template-hash` (kubectl's `equalIgnoreHash`). */
  readonly matchesCurrent: boolean;
  /** ISO-8601 UTC. */
  readonly createdAt?: string;
}

export interface RolloutHistory {
  /** Newest revision first. */
  readonly revisions: readonly ReplicaSetRevision[];
  /** `spec.revisionHistoryLimit` (the API server defaults it to 10). */
  readonly revisionHistoryLimit: number;
  readonly paused: boolean;
  /** `metadata.generation`, compared at execution to notice a change since the plan. */
  readonly generation: number;
  /**
   * `status.observedGeneration` of the same read. Below `generation`, the Deployment controller has
   * not seen the newest template: the revision numbers are the last rollout's.
   */
  readonly observedGeneration?: number;
  /** rewind's hold annotation on the Deployment, when it carries one. */
  readonly hold?: HoldReading;
}

export type UndoTarget =
  | { readonly ok: true; readonly target: ReplicaSetRevision; readonly current: ReplicaSetRevision | undefined }
  | { readonly ok: false; readonly reason: string };

/** kubectl's message for a paused Deployment (`pkg/polymorphichelpers/rollback.go`). */
export const PAUSED_MESSAGE = "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again";

/** kubectl's message when the target's template is already the Deployment's. */
export const skippedMessage = (revision: number): string => `skipped rollback (current template already matches revision ${revision})`;

/**
 * The ReplicaSet `kubectl rollout undo [--to-revision N]` goes back to, after kubectl's
 * `deploymentRevision` (pkg/polymorphichelpers/rollback.go): N when given, else the
 * second-highest revision. Where kubectl only says "unable to find specified revision" or "no
 * rollout history found", this also says why: `revisionHistoryLimit` pruned it.
 */
export function chooseUndoTarget(name: string, h: RolloutHistory, toRevision?: number): UndoTarget {
  const sorted = [...h.revisions].sort((a, b) => b.revision - a.revision);
  const current = sorted.find((r) => r.matchesCurrent) ?? sorted[0];
  const kept = sorted.map((r) => r.revision);
  const keptText = kept.length ? `it keeps revisions ${kept.join(', ')}` : 'it has no ReplicaSets';
  if (toRevision !== undefined && toRevision > 0) {
    const found = sorted.find((r) => r.revision === toRevision);
    if (found) return { ok: true, target: found, current };
    const newest = sorted[0]?.revision ?? 0;
    const why =
      toRevision < newest
        ? `: revisionHistoryLimit=${h.revisionHistoryLimit} keeps only the ${h.revisionHistoryLimit} newest old ReplicaSets, so revision ${toRevision} was pruned (${keptText}); a revisionHistoryLimit of at least ${newest - toRevision} would have kept it`
        : ` (${keptText})`;
    return { ok: false, reason: `unable to find specified revision ${toRevision} in history of deployment "${name}"${why}` };
  }
  const [latest, previous] = sorted;
  if (latest === undefined || previous === undefined) {
    const pruned = latest !== undefined && latest.revision > 1;
    const why = pruned
      ? `: revisionHistoryLimit=${h.revisionHistoryLimit} pruned every old ReplicaSet (${keptText}); with revisionHistoryLimit of 1 or more, revision ${latest.revision - 1} would still be there`
      : latest !== undefined
        ? ': it has only ever had one revision, so there is nowhere to go back to'
        : '';
    return { ok: false, reason: `no rollout history found for deployment "${name}"${why}` };
  }
  return { ok: true, target: previous, current };
}
