import { Fact, type AppConfig, type Facts } from '../core/facts.ts';
import type { FlagEvidence } from '../core/flags/types.ts';
import type { FlagEvidenceReader } from '../core/ports.ts';
import type { FlagStores } from './step-context.ts';

/**
 * Issue 14's facts: the window's hunks and flag-file changes, and each declared flag as its
 * provider serves it now. A provider that refuses (401, an unknown flag) is recorded per flag,
 * so the mechanism can decline with the reason and the tree goes on; the plan is not stopped.
 */
export async function flagEvidenceFact(
  deps: { readonly reader: FlagEvidenceReader; readonly stores: FlagStores } | undefined,
  app: AppConfig,
  from: string,
  to: string,
  files: Promise<readonly string[]>,
): Promise<Facts['flagEvidence']> {
  if (!deps || app.flags.length === 0) return undefined;
  const [window, live, changed] = await Promise.all([
    deps.reader.evidence(from, to, files, app.flags, app.repoPath),
    Promise.all(app.flags.map(async (f): Promise<FlagEvidence['live'][number]> => {
      try {
        const found = await deps.stores(f.key);
        if (!found) return { key: f.key, error: 'no store for it' };
        return { key: f.key, state: await found.store.read(found.flag) };
      } catch (e) {
        return { key: f.key, error: e instanceof Error ? e.message : String(e) };
      }
    })),
    files,
  ]);
  const providers = [...new Set(app.flags.map((f) => f.provider))].join(', ');
  return Fact.of<FlagEvidence>({ ...window, live }, `git diff -U1 ${window.range} -- ${changed.length} files; ${providers}`);
}
