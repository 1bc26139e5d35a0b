import { compareMigrationPaths, isDownMigration, type MigrationSource } from '../../analyzers/sql-migration/index.ts';
import { decodeMigration } from './decode-migration.ts';
import { git, readBlobs, resolveRevision, type KnownCommit } from './git-runner.ts';

export interface ChangedMigration {
  readonly path: string;
  /** A added, M modified (an applied migration edited: the database will not re-run it), D deleted. */
  readonly status: 'A' | 'M' | 'D';
}

/** `git diff --name-status --no-renames FROM TO -- PATHSPEC` as statuses (`added`, `deleted`, `modified`: M and T) and paths. */
export type NameStatusReader = (from: string, to: string, pathspec: string) => Promise<readonly { readonly status: string; readonly path: string }[]>;

export interface RevisionRange {
  readonly repo: string;
  readonly from: string;
  readonly to: string;
  /** Git pathspec (`*` also matches `/`), as Step 0 passes it to `git diff`. */
  readonly glob: string;
  /** The caller's config repo, for full hashes it already resolved (git-runner.ts `resolveRevision`). */
  readonly known?: KnownCommit;
  /**
   * The caller's config repo's `git diff --name-status --no-renames` of two full object names, when
   * another of its readers asks the same diff (a plan's Step 2): one git process for both (issue 19).
   */
  readonly nameStatus?: NameStatusReader;
}

/** A full object name (SHA-1 or SHA-256): what it names cannot move while it is resolved. */
const FULL_OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** `git diff --name-status FROM TO -- GLOB`: the migrations the window added or changed, in apply order. */
export async function changedMigrations(range: RevisionRange): Promise<{ from: string; to: string; changes: ChangedMigration[] }> {
  // Both revisions resolve at once, and for full object names (what `rewind plan` passes: Argo
  // CD's history revisions) the diff runs beside them, since no ref can move what it reads: one
  // git process on the critical path instead of three in a row (issue 19). The errors keep their
  // order: `from`'s, then `to`'s, then the diff's.
  const diffArgs = (a: string, b: string) => ['diff', '--name-status', '--no-renames', '-z', a, b, '--', range.glob];
  const fixed = FULL_OBJECT_NAME.test(range.from) && FULL_OBJECT_NAME.test(range.to);
  const shared = fixed ? range.nameStatus : undefined;
  const [fromR, toR, diffR] = await Promise.allSettled([
    resolveRevision(range.repo, range.from, range.known),
    resolveRevision(range.repo, range.to, range.known),
    shared ? shared(range.from, range.to, range.glob).then(fromNameStatus) : fixed ? git(range.repo, diffArgs(range.from, range.to)).then(fromRaw) : undefined,
  ]);
  if (fromR.status === 'rejected') throw fromR.reason;
  if (toR.status === 'rejected') throw toR.reason;
  const from = fromR.value;
  const to = toR.value;
  if (diffR.status === 'rejected') throw diffR.reason;
  const entries = diffR.value ?? fromRaw(await git(range.repo, diffArgs(from, to)));
  const changes: ChangedMigration[] = [];
  for (const { status, path } of entries) {
    if (!path.toLowerCase().endsWith('.sql') || isDownMigration(path)) continue;
    if (status === 'A' || status === 'M' || status === 'D') changes.push({ path, status });
    else if (status === 'T') changes.push({ path, status: 'M' });
  }
  changes.sort((a, b) => compareMigrationPaths(a.path, b.path));
  return { from, to, changes };
}

/** `--name-status -z` output as (status letter, path) pairs. */
function fromRaw(out: string): { status: string; path: string }[] {
  const parts = out.split('\0').filter((s) => s !== '');
  const entries: { status: string; path: string }[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) entries.push({ status: (parts[i] ?? '')[0] ?? '', path: parts[i + 1] ?? '' });
  return entries;
}

/** A config repo's parsed name-status as the letters git wrote (a type change reads as modified, which Step 0 counts as M too). */
function fromNameStatus(files: readonly { readonly status: string; readonly path: string }[]): { status: string; path: string }[] {
  return files.map((f) => ({ status: f.status === 'added' ? 'A' : f.status === 'deleted' ? 'D' : 'M', path: f.path }));
}

/** Every migration that exists at `rev` (for replaying the schema as it was), in apply order. */
export async function migrationsAt(repo: string, rev: string, glob: string): Promise<string[]> {
  // NOTE: ls-tree takes literal paths, not globs; a diff from the empty tree applies the same
  // pathspec rules as `changedMigrations`, so both see the same files.
  const empty = (await git(repo, ['hash-object', '-t', 'tree', '/dev/null'])).trim();
  const out = await git(repo, ['diff', '--name-only', '--no-renames', '-z', empty, rev, '--', glob]);
  return out
    .split('\0')
    .filter((p) => p.toLowerCase().endsWith('.sql') && !isDownMigration(p))
    .sort(compareMigrationPaths);
}

/** The migrations at `paths` as of `rev`, decoded (a missing or oversized file is `unreadable`, not a throw). */
export async function readMigrationsAt(repo: string, rev: string, paths: readonly string[], maxBytes: number): Promise<MigrationSource[]> {
  return (await readBlobs(repo, rev, paths)).map((b) =>
    b.bytes === undefined ? { kind: 'unreadable', path: b.path, reason: `not found at ${rev}` } : decodeMigration(b.path, b.bytes, maxBytes),
  );
}
