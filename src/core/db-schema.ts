/**
 * A database schema as the down-migration steps record it: what `db.snapshot-schema` journals
 * before the down runs, and what the down's marker says was applied. Pure data; the Postgres
 * adapter fills it from the catalog.
 */

/** One column as the catalog has it. */
export interface ColumnSnapshot {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
}

/** Enough to see what a down changed, and to rebuild the shape by hand. */
export interface SchemaSnapshot {
  readonly takenAt: string;
  readonly serverVersion: string;
  readonly columns: readonly ColumnSnapshot[];
  /** `schema.index: definition` (pg_indexes.indexdef). */
  readonly indexes: readonly string[];
  /** `schema.table.constraint: definition` (pg_get_constraintdef). */
  readonly constraints: readonly string[];
}

/** How far a down migration got, as its marker (written in the same transaction as each statement) says. */
export interface DownProgress {
  readonly runId: string;
  readonly path: string;
  /** Statements applied, in order. */
  readonly done: number;
  readonly total: number;
  readonly at: string;
}

export interface DownRun {
  readonly inTransaction: boolean;
  readonly statements: number;
  /** Statements skipped because the marker says an earlier attempt of this run applied them. */
  readonly alreadyApplied: number;
  /** Statements PostgreSQL refuses in a transaction block (why the run was not atomic). */
  readonly blockers: readonly string[];
  readonly before: SchemaSnapshot;
  readonly after: SchemaSnapshot;
  readonly changes: readonly string[];
}

/** Lines for the journal: one per column, index and constraint, in catalog order. */
export function snapshotLines(s: SchemaSnapshot): string[] {
  return [
    ...s.columns.map((c) => `column ${c.table}.${c.column} ${c.type}${c.nullable ? '' : ' not null'}${c.default !== null ? ` default ${c.default}` : ''}`),
    ...s.indexes.map((i) => `index ${i}`),
    ...s.constraints.map((c) => `constraint ${c}`),
  ];
}

/** What changed between two snapshots, as lines ("+ column catalog.items.legacy_sku text"). */
export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): string[] {
  const cols = (s: SchemaSnapshot) => new Set(s.columns.map((c) => `column ${c.table}.${c.column} ${c.type}${c.nullable ? '' : ' not null'}`));
  const lines = (s: SchemaSnapshot) => new Set([...cols(s), ...s.indexes.map((i) => `index ${i}`), ...s.constraints.map((c) => `constraint ${c}`)]);
  const a = lines(before);
  const b = lines(after);
  return [...[...a].filter((l) => !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`)];
}
