import { analyzeWindow, downPathFor, type MigrationSource, type WindowReport } from '../../analyzers/sql-migration/index.ts';
import { decodeMigration, defaultMaxBytes } from './decode-migration.ts';
import { changedMigrations, type RevisionRange } from './git-migrations.ts';
import { readBlobs } from './git-runner.ts';

export interface CheckOptions extends Partial<Pick<RevisionRange, 'glob'>> {
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
  const { from, to, changes } = await changedMigrations({ repo: opts.repo, from: opts.from, to: opts.to, glob });
  const live = changes.filter((c) => c.status !== 'D');
  const blobs = await readBlobs(opts.repo, to, live.map((c) => c.path), maxBytes);
  const files: MigrationSource[] = blobs.map((b) =>
    b.bytes === undefined ? { kind: 'unreadable', path: b.path, reason: `not found at ${to}` } : b.size > maxBytes ? { kind: 'unreadable', path: b.path, reason: `file is ${b.size} bytes, over the --max-bytes cap of ${maxBytes}` } : decodeMigration(b.path, b.bytes, maxBytes),
  );
  const downPaths = live.flatMap((c) => downPathFor(c.path)?.path ?? []);
  const downs = new Map<string, string>();
  for (const b of await readBlobs(opts.repo, to, downPaths, maxBytes)) {
    const d = b.bytes && b.size <= maxBytes ? decodeMigration(b.path, b.bytes, maxBytes) : undefined;
    if (d?.kind === 'text') downs.set(b.path, d.content);
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
