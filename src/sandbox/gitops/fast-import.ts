/**
 * Builds a commit history in one `git fast-import` run: dozens of real commits, with their
 * own authors and past dates, in ~20 ms instead of three processes per commit.
 */
import { git, type GitIdentity } from './git.ts';

export interface SeedCommit {
  readonly date: Date;
  readonly author: GitIdentity;
  readonly message: string;
  /** Path -> new content; `null` deletes the file. */
  readonly files: Readonly<Record<string, string | null>>;
}

const COMMITTER = 'ci-bot <ci-bot@acme-books.example>';

function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

function stamp(d: Date): string {
  return `${Math.floor(d.getTime() / 1000)} +0000`;
}

export function fastImportStream(branch: string, commits: readonly SeedCommit[]): string {
  const parts: string[] = [];
  commits.forEach((c, i) => {
    parts.push(`commit refs/heads/${branch}\n`);
    parts.push(`mark :${i + 1}\n`);
    parts.push(`author ${c.author.name} <${c.author.email}> ${stamp(c.date)}\n`);
    parts.push(`committer ${COMMITTER} ${stamp(c.date)}\n`);
    parts.push(data(c.message.endsWith('\n') ? c.message : `${c.message}\n`));
    if (i > 0) parts.push(`from :${i}\n`);
    for (const [path, content] of Object.entries(c.files)) {
      if (content === null) parts.push(`D ${path}\n`);
      else parts.push(`M 100644 inline ${path}\n${data(content)}`);
    }
    parts.push('\n');
  });
  parts.push('done\n');
  return parts.join('');
}

/** Writes `commits` onto `branch` of the (bare) repository at `gitDir`; returns the commit hashes, oldest first. */
export async function importCommits(gitDir: string, branch: string, commits: readonly SeedCommit[]): Promise<string[]> {
  await git(['fast-import', '--quiet', '--done'], { cwd: gitDir, input: fastImportStream(branch, commits) });
  const log = await git(['rev-list', '--reverse', branch], { cwd: gitDir });
  return log.trim().split('\n').filter(Boolean);
}
