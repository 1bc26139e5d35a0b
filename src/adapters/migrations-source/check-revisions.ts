import { analyzeWindow, downPathFor, type WindowReport } from '../../analyzers/sql-migration/index.ts';
import { defaultMaxBytes } from './decode-migration.ts';
import { changedMigrations, readMigrationsAt, type RevisionRange } from './git-migrations.ts';

export interface CheckOptions extends Partial<Pick<RevisionRange, 'glob' | 'known' | 'nameStatus'>> {
  readonly repo: string;
  readonly from: string;
  readonly to: string;
  readonly maxBytes?: number;
  readonly requireNotes?: boolean;
}

export interface CheckResult extends WindowReport {
  readonly from: string;
  readonly to: string;
  /** Applied migrations edited in the window: the database will not re-run them, so their edit never reached it. */
  readonly modified: readonly string[];
  /** Migrations deleted in the window. */
  readonly deleted: readonly string[];
}

/**
 * Step 0 as code: the migrations added or changed between two revisions (content at `to`),
 * judged as one window. `rewind plan` calls this. Throws NotFoundError (exit 2) for a revision
 * that does not exist, UsageError for a path that is not a git repository.
 *
 * ### Examples
 * ```ts
 * const r = await checkRevisions({ repo: './config', from: 'a1b2c3d', to: 'd8f3c2a' });
 * r.verdict; // 'unsafe' when the bad release dropped a column the old binary reads
 * ```
 */
export async function checkRevisions(opts: CheckOptions): Promise<CheckResult> {
  const glob = opts.glob ?? '*.sql';
  const maxBytes = opts.maxBytes ?? defaultMaxBytes;
  const { from, to, changes } = await changedMigrations({ repo: opts.repo, from: opts.from, to: opts.to, glob, ...(opts.known ? { known: opts.known } : {}), ...(opts.nameStatus ? { nameStatus: opts.nameStatus } : {}) });
  const live = changes.filter((c) => c.status !== 'D');
  const files = await readMigrationsAt(opts.repo, to, live.map((c) => c.path), maxBytes);
  const downPaths = live.flatMap((c) => downPathFor(c.path)?.path ?? []);
  const downs = new Map<string, string>();
  for (const d of await readMigrationsAt(opts.repo, to, downPaths, maxBytes)) {
    if (d.kind === 'text') downs.set(d.path, d.content);
  }
  const report = await analyzeWindow(files, { window: true, requireNotes: opts.requireNotes ?? false, lookup: (p) => downs.get(p) });
  return {
    ...report,
    from,
    to,
    modified: changes.filter((c) => c.status === 'M').map((c) => c.path),
    deleted: changes.filter((c) => c.status === 'D').map((c) => c.path),
  };
}
