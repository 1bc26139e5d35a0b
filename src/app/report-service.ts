/**
 * `rewind report`: gathers the journal's runs and the deploys of the window (the config repo's
 * log for each app's folder, and Argo CD's history, deduplicated by revision) for the pure
 * recovery report. A source that cannot be read is named in the report's gaps.
 */
import { buildRecoveryReport, type RecoveryReport, type ReportRun } from '../report/recovery-report.ts';
import type { AppContext } from './app-context.ts';
import { loadRun } from './run-lookup.ts';

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function recoveryReport(ctx: AppContext, opts: { sinceMs: number; app?: string }): Promise<RecoveryReport> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - opts.sinceMs);
  const gaps: string[] = [];
  const journal = await ctx.journal();
  const runs: ReportRun[] = [];
  for (const s of await journal.listRuns(opts.app)) {
    if (Date.parse(s.startedAt) < since.getTime()) continue;
    try {
      const l = await loadRun(journal, s.runId);
      runs.push({ runId: l.runId, plan: l.plan, records: l.records, status: l.status });
    } catch (e) {
      gaps.push(`run ${s.runId} could not be read: ${why(e)}`);
    }
  }
  const apps = ctx.config.apps.filter((a) => !opts.app || a.name === opts.app);
  const deploys: { app: string; revisions: string[] }[] = [];
  let deployLogStart: string | undefined;
  const repo = ctx.config.configRepo;
  const git = repo ? await import('../adapters/git/index.ts') : undefined;
  if (repo && git) deployLogStart = await git.historyStart(repo.path, repo.branch).catch((e: unknown) => (gaps.push(`the config repo's history could not be read: ${why(e)}`), undefined));
  else gaps.push('rewind.yaml has no configRepo: deploys are counted from Argo CD history only');
  const gitops = await ctx.gitops().catch((e: unknown) => (gaps.push(`Argo CD could not be reached: ${why(e)}`), undefined));
  for (const a of apps) {
    const revisions = new Set<string>();
    if (repo && git) {
      if (!a.repoPath) gaps.push(`${a.name} has no repoPath: its config repo commits cannot be told apart`);
      else {
        try {
          for (const c of await git.deployCommits(repo.path, repo.branch, since, a.repoPath)) revisions.add(c.revision);
        } catch (e) {
          gaps.push(`${a.name}: git log failed: ${why(e)}`);
        }
      }
    }
    if (gitops) {
      try {
        const app = await gitops.getApplication(a.name);
        for (const h of app.history) if (Date.parse(h.deployedAt) >= since.getTime()) revisions.add(h.revision);
      } catch (e) {
        gaps.push(`${a.name}: Argo CD history could not be read: ${why(e)}`);
      }
    }
    deploys.push({ app: a.name, revisions: [...revisions] });
  }
  return buildRecoveryReport({ since: since.toISOString(), now: now.toISOString(), runs, deploys, ...(deployLogStart ? { deployLogStart } : {}), gaps });
}
