import { deployedRevision, shortHash, type ApplicationState } from './domain.ts';
import { describeHold } from './hold.ts';
import type { Phase, Plan } from './plan.ts';

/**
 * Before a journaled run continues (`resume`, `finish`), live state is re-read and the plan's
 * assumptions re-checked, allowing only what the run itself did: the hold is absent or this
 * run's; before the follow-up, the newest history entry is the plan's or the run's own rollback
 * (the target revision), the target is still in history, and no operation but the run's own runs.
 * One line per thing that moved on; empty means the run may continue. `own` names history
 * revisions the run shipped itself without a rollback: the kill switch's flag flip, which
 * auto-sync deploys (without it, a crash after `flag.off` could never be resumed).
 */
export function resumeChanges(plan: Plan, app: ApplicationState, runId: string, phase: Phase | undefined, now: string, own: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  if (app.hold && !(app.hold.ok && app.hold.hold.runId === runId)) out.push(describeHold(app.hold, now));
  if (phase === 'follow-up' || phase === undefined) return out;
  const to = plan.to;
  const planned = plan.assumptions['argocd.latestHistoryId'];
  const newer = app.history.filter((h) => typeof planned === 'number' && h.id > planned);
  const foreign = newer.filter((h) => (to === null || h.revision !== to.revision) && !own.has(h.revision));
  if (foreign.length > 0) {
    const h = foreign[foreign.length - 1];
    out.push(`a deploy this run did not make landed: history ${h?.id ?? '?'} (${shortHash(h?.revision ?? '')}); the app runs ${shortHash(deployedRevision(app))}`);
  }
  if (to?.kind === 'argocd-history' && newer.length === 0 && !app.history.some((h) => h.id === to.historyId && h.revision === to.revision)) {
    out.push(`the target history ${to.historyId} (${shortHash(to.revision)}) is gone from the app's history`);
  }
  if (app.operation?.phase === 'Running' && (to === null || app.operation.revision !== to.revision)) {
    out.push(`an Argo CD operation this run did not start is running on ${app.name}${app.operation.revision ? ` (to ${shortHash(app.operation.revision)})` : ''}`);
  }
  return out;
}

/**
 * True when every step left from `resumeAt` only releases the run's own hold: nothing in the
 * follow-up waits on people (no revert, no give-back), so `resume` may end the run itself instead
 * of sending the engineer to `finish` (the unmanaged Deployment's undo crashed before or during
 * `kube.release-hold`).
 */
export function onlyHoldReleasesLeft(plan: Plan, resumeAt: number): boolean {
  const left = plan.steps.slice(resumeAt);
  return left.length > 0 && left.every((s) => s.kind.endsWith('.release-hold'));
}
