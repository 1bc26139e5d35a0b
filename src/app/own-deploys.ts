import type { Plan } from '../core/plan.ts';
import type { ConfigRepo } from '../core/ports.ts';
import type { ApplicationState } from '../core/domain.ts';

/**
 * History revisions, newer than the plan saw, whose commits on top of the plan's revision all
 * carry this run's `Rewind-Run:` trailer: auto-sync shipped the run's own kill-switch flip (the
 * flag.off commit), as the kill switch intends, so the deploy is the run's doing and not someone
 * else's. Read from git, because a crash right after the flip leaves its commit unjournaled. Matched
 * by run id, not by subject: another run's flip of the same key (or anyone typing
 * `rewind: turn KEY off`) is a foreign deploy.
 */
export async function ownDeploys(repo: ConfigRepo | undefined, plan: Plan, runId: string, app: ApplicationState): Promise<Set<string>> {
  const from = plan.from.revision;
  const own = new Set<string>();
  if (!repo || !from || !plan.steps.some((s) => s.kind === 'flag.off')) return own;
  const planned = plan.assumptions['argocd.latestHistoryId'];
  for (const h of app.history.filter((x) => typeof planned === 'number' && x.id > planned && x.revision !== from)) {
    const commits = await repo.log(from, h.revision).catch(() => []);
    if (commits.length > 0 && commits.every((c) => c.runIds?.includes(runId) === true)) own.add(h.revision);
  }
  return own;
}
