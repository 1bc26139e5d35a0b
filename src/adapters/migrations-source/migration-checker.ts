import { toMigrationWindow } from '../../analyzers/sql-migration/index.ts';
import type { MigrationChecker } from '../../core/ports.ts';
import { checkRevisions } from './check-revisions.ts';
import type { KnownCommit } from './git-runner.ts';
import type { NameStatusReader } from './git-migrations.ts';

export interface MigrationCheckerOptions {
  /** The config repo on disk (a clone or the bare repo Argo CD tracks). */
  readonly repo: string;
  /** rewind.yaml's `migrations:` glob (`*` within a folder, `**` across folders). */
  readonly glob?: string;
  /** The plan's config repo, for the full hashes it already resolved. */
  readonly known?: KnownCommit;
  /** The plan's config repo's name-status diff, which its Step 2 asks too (one git process for both). */
  readonly nameStatus?: NameStatusReader;
}

/** Any `.sql` under a `migrations/` folder, at any depth: the diagnoser's default too. */
export const DEFAULT_MIGRATIONS_GLOB = '**/migrations/**/*.sql';

/**
 * Step 0 for `rewind plan`: exactly what `rewind migrations check` runs (`checkRevisions`), as the
 * `MigrationChecker` port.
 */
export function createMigrationChecker(options: MigrationCheckerOptions): MigrationChecker {
  // NOTE: git's `:(glob)` magic gives the pathspec the config's glob meaning (a plain pathspec's
  // `*` would cross folders), so Step 0 and Step 2 agree on which files are migrations.
  const glob = `:(glob)${options.glob ?? DEFAULT_MIGRATIONS_GLOB}`;
  return {
    async migrations(from, to) {
      const result = await checkRevisions({ repo: options.repo, from, to, glob, ...(options.known ? { known: options.known } : {}), ...(options.nameStatus ? { nameStatus: options.nameStatus } : {}) });
      return toMigrationWindow(result, result.deleted);
    },
  };
}
