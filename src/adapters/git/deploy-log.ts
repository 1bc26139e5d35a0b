/**
 * Deploys as the config repo remembers them: the commits that touched an app's folder. Argo CD's
 * history keeps only `revisionHistoryLimit` entries, so `rewind report` counts deploys from git
 * too, and says how far back git reaches.
 */
import { createGitRunner, gitFailure } from './git-runner.ts';

export interface DeployCommit {
  readonly revision: string;
  /** Committer date, ISO-8601 UTC. */
  readonly at: string;
}

async function gitLog(repo: string, args: readonly string[]): Promise<string> {
  const r = await createGitRunner({ path: repo })(['log', ...args]);
  if (r.code !== 0) throw gitFailure('log', repo, r);
  return r.stdout;
}

/** Commits on `branch` since `since` that touched `path` (all of the repo when absent), newest first. */
export async function deployCommits(repo: string, branch: string, since: Date, path?: string): Promise<readonly DeployCommit[]> {
  const out = await gitLog(repo, [branch, `--since=${since.toISOString()}`, '--format=%H%x09%cI', '--', ...(path ? [path] : [])]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [revision = '', at = ''] = l.split('\t');
      return { revision, at: new Date(at).toISOString() };
    });
}

/** When the branch's history starts (its oldest root commit): nothing before it can be counted. */
export async function historyStart(repo: string, branch: string): Promise<string | undefined> {
  const out = await gitLog(repo, [branch, '--max-parents=0', '--format=%cI']);
  const dates = out.split('\n').filter(Boolean).map((d) => Date.parse(d));
  return dates.length ? new Date(Math.min(...dates)).toISOString() : undefined;
}
