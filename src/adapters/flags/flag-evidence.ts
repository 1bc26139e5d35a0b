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
    async evidence(from, to, pending, flags: readonly DeclaredFlag[], within?: string): Promise<Omit<FlagEvidence, 'live'>> {
      const range = `${from.slice(0, 7)}..${to.slice(0, 7)}`;
      const diff = (pathspecs: readonly string[]) => must(git, `diff ${range}`, ['diff', '-U1', '--no-color', '--no-ext-diff', '--no-renames', from, to, '--', ...pathspecs]);
      // NOTE: the app's whole folder is diffed while the diagnosis still lists its files: without
      // rename detection git diffs each file on its own, so a file's hunks are the same whichever
      // pathspec named it; the list only filters them. A file outside the folder takes the exact diff.
      const folder = within?.replace(/^\.?\/+|\/+$/g, '');
      const early = folder ? diff([`:(literal)${folder}`]) : undefined;
      early?.catch(() => undefined);
      const files = await pending;
      const wanted = new Set(files);
      const hunks =
        files.length === 0
          ? []
          : early && files.every((f) => f.startsWith(`${folder}/`))
            ? parseUnifiedDiff(await early).filter((h) => wanted.has(h.path))
            : parseUnifiedDiff(await diff(files));
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
