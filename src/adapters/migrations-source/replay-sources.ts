import type { MigrationSource } from '../../analyzers/sql-migration/index.ts';
import { defaultMaxBytes } from './decode-migration.ts';
import { changedMigrations, migrationsAt, readMigrationsAt } from './git-migrations.ts';

export interface ReplaySources {
  readonly from: string;
  readonly to: string;
  /** Every migration at `from`, in apply order: the schema the old binary knows. */
  readonly base: readonly MigrationSource[];
  /** Migrations the window added (content at `to`), in apply order. Edited ones are not re-run, as a database would not. */
  readonly window: readonly MigrationSource[];
  readonly modified: readonly string[];
}

/** What `verify` replays: the history up to last-good, then the window's new migrations. */
export async function replaySources(opts: { repo: string; from: string; to: string; glob?: string; maxBytes?: number }): Promise<ReplaySources> {
  const glob = opts.glob ?? '*.sql';
  const maxBytes = opts.maxBytes ?? defaultMaxBytes;
  const { from, to, changes } = await changedMigrations({ repo: opts.repo, from: opts.from, to: opts.to, glob });
  const basePaths = await migrationsAt(opts.repo, from, glob);
  const added = changes.filter((c) => c.status === 'A').map((c) => c.path);
  return {
    from,
    to,
    base: await readMigrationsAt(opts.repo, from, basePaths, maxBytes),
    window: await readMigrationsAt(opts.repo, to, added, maxBytes),
    modified: changes.filter((c) => c.status === 'M').map((c) => c.path),
  };
}
