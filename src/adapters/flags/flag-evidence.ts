/**
 * `FlagEvidenceReader` over the config repo: the bad release's hunks (`git diff -U1 from..to --
 * <the app's changed files>`) and, for every declared flagd file, its flags compared between the
 * two revisions and evaluated with flagd's own evaluator.
 */
import type { DeclaredFlag, FlagEvidence } from '../../core/flags/types.ts';
import type { FlagEvidenceReader } from '../../core/ports.ts';
import { compareDefinitions } from './flagd-definitions.ts';
import { gitIn, must } from './git.ts';
import { parseUnifiedDiff } from './hunks.ts';

export function createGitFlagEvidenceReader(options: { readonly repoPath: string }): FlagEvidenceReader {
  const git = gitIn(options.repoPath);
  const show = async (rev: string, path: string): Promise<string | undefined> => {
    const r = await git(['show', `${rev}:${path}`]);
    return r.code === 0 ? r.stdout : undefined;
  };
  return {
    async evidence(from, to, files, flags: readonly DeclaredFlag[]): Promise<Omit<FlagEvidence, 'live'>> {
      const range = `${from.slice(0, 7)}..${to.slice(0, 7)}`;
      const diff = files.length === 0 ? '' : await must(git, `diff ${range}`, ['diff', '-U1', '--no-color', '--no-ext-diff', '--no-renames', from, to, '--', ...files]);
      const hunks = parseUnifiedDiff(diff);
      const flagFiles = [...new Set(flags.flatMap((f) => (f.flagd ? [f.flagd.file] : [])))];
      const changes: FlagEvidence['changes'][number][] = [];
      const otherChanges: { file: string; what: string }[] = [];
      for (const file of flagFiles.filter((f) => hunks.some((h) => h.path === f))) {
        const [before, after] = await Promise.all([show(from, file), show(to, file)]);
        const c = compareDefinitions(file, before, after, { before: `git show ${from.slice(0, 7)}:${file}`, after: `git show ${to.slice(0, 7)}:${file}` });
        changes.push(...c.changes);
        otherChanges.push(...c.other.map((what) => ({ file, what })));
      }
      return { range, hunks, changes, otherChanges };
    },
  };
}
