import { shortHash, SyncPolicy, WorkloadState } from '../core/domain.ts';
import type { ClusterClient, Clock, ConfigRepo, GitOpsClient, JournalStore } from '../core/ports.ts';
import type { Plan, PlanStep } from '../core/plan.ts';
import { pollUntil } from './wait.ts';

export interface FinishDeps {
  readonly gitops: GitOpsClient;
  readonly cluster: ClusterClient;
  readonly repo: ConfigRepo;
  readonly journal: JournalStore;
  readonly clock: Clock;
  readonly log: (message: string) => void;
}

export interface FinishResult {
  readonly status: 'finished' | 'refused' | 'failed' | 'dry-run';
  readonly runId: string;
  readonly message: string;
  readonly restored?: SyncPolicy;
}

/**
 * Closes Step 3d. Only once the bad commit's revert is on the tracked branch does auto-sync come
 * back, with the prune/selfHeal that were saved (the seed's `--sync-policy automated` would drop
 * them); then the app must sync cleanly to the branch head and stay healthy.
 */
export async function finishRun(
  deps: FinishDeps,
  req: { runId: string; plan: Plan; timeoutMs: number; signal: AbortSignal; dryRun: boolean },
): Promise<FinishResult> {
  const { plan, runId } = req;
  const pending = plan.steps.find((s): s is PlanStep<'record-revert-pending'> => s.kind === 'record-revert-pending');
  const pin = plan.steps.find((s): s is PlanStep<'pin-target-revision'> => s.kind === 'pin-target-revision');
  if (!pending) return { status: 'refused', runId, message: `run ${runId} has no open Step 3d` };
  const { badRevision, trackedBranch, saved } = pending.params;
  await deps.repo.fetch();
  if (!(await deps.repo.hasRevertOf(badRevision, trackedBranch))) {
    const bad = shortHash(badRevision);
    return {
      status: 'refused',
      runId,
      message: `the revert of ${bad} is not on ${trackedBranch} yet: git revert ${bad} && git push (then run finish again); auto-sync stays off`,
    };
  }
  deps.log(`revert of ${shortHash(badRevision)} found on ${trackedBranch}`);
  if (req.dryRun) {
    return { status: 'dry-run', runId, message: `dry run: would restore ${describe(saved)} and wait for a clean sync` };
  }
  const at = () => deps.clock.now().toISOString();
  const journaled = async (action: string, detail: string, act: () => Promise<void>): Promise<void> => {
    await deps.journal.append({ type: 'action', runId, at: at(), phase: 'intent', action, detail });
    await act();
    await deps.journal.append({ type: 'action', runId, at: at(), phase: 'outcome', action, detail });
  };
  if (pin) {
    const to = pin.params.previousTargetRevision;
    await journaled('unpin-target-revision', `spec.source.targetRevision -> ${to}`, () => deps.gitops.setTargetRevision(plan.app, to));
  }
  const head = await deps.repo.resolve(trackedBranch);
  const wait = { clock: deps.clock, signal: req.signal, deadline: deps.clock.now().getTime() + req.timeoutMs };
  // NOTE: Argo CD caches branch heads; turning auto-sync back on while it still sees the bad
  // commit would ship it again. Wait (hard refresh) until Argo CD compares against the revert.
  let seen = '';
  const sees = await pollUntil(wait, async () => {
    seen = (await deps.gitops.getApplication(plan.app, { refresh: 'hard' })).sync.revision;
    return seen === head;
  });
  if (!sees) {
    return { status: 'failed', runId, message: `Argo CD still compares ${plan.app} with ${shortHash(seen)}, not the revert ${shortHash(head)}; auto-sync stays off` };
  }
  await journaled('restore-sync-policy', describe(saved), () => deps.gitops.setSyncPolicy(plan.app, saved));
  deps.log(`restored ${describe(saved)}`);
  if (!SyncPolicy.isAutoSyncOn(saved)) {
    await journaled('sync', `sync to ${shortHash(head)} (the saved policy is manual)`, () => deps.gitops.sync(plan.app, { revision: head }));
  }
  let last = '';
  const clean = await pollUntil(wait, async () => {
    const [app, workload] = await Promise.all([deps.gitops.getApplication(plan.app, { refresh: true }), deps.cluster.getWorkload(plan.workload)]);
    last = `${app.sync.status} ${shortHash(app.sync.revision)} ${app.health.status}`;
    // NOTE: the revert renders what already runs, so Argo CD finds it Synced without a new sync
    // (and without a new history entry): compare with the branch head, not the deployed entry.
    return app.sync.revision === head && app.sync.status === 'Synced' && app.health.status === 'Healthy' && WorkloadState.isRolledOut(workload);
  });
  if (!clean) {
    await deps.journal.append({ type: 'run-status', runId, at: at(), status: 'awaiting-revert', detail: `finish timed out: ${last}` });
    return { status: 'failed', runId, message: `auto-sync restored but the app did not sync cleanly to ${shortHash(head)} (last: ${last})` };
  }
  await deps.journal.append({ type: 'run-status', runId, at: at(), status: 'finished', detail: `synced to ${head} with ${describe(saved)}` });
  return { status: 'finished', runId, restored: saved, message: `run ${runId} finished: ${plan.app} Synced to ${shortHash(head)} (${trackedBranch}), Healthy; ${describe(saved)}` };
}

function describe(p: SyncPolicy): string {
  const a = p.automated;
  return a ? `auto-sync (enabled=${a.enabled}, prune=${a.prune}, selfHeal=${a.selfHeal})` : 'manual sync (no automated policy)';
}
