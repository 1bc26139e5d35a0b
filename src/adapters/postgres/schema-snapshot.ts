import type pg from 'pg';

/** One column as the catalog has it. */
export interface ColumnSnapshot {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
}

/** What `db.snapshot-schema` journals before a down migration: enough to see what it changed, and to rebuild by hand. */
export interface SchemaSnapshot {
  readonly takenAt: string;
  readonly serverVersion: string;
  readonly columns: readonly ColumnSnapshot[];
  /** `schema.index: definition` (pg_indexes.indexdef). */
  readonly indexes: readonly string[];
  /** `schema.table.constraint: definition` (pg_get_constraintdef). */
  readonly constraints: readonly string[];
}

const SYSTEM = "('pg_catalog', 'information_schema', 'pg_toast')";

/**
 * The user schemas' shape from the catalog (information_schema.columns, pg_indexes,
 * pg_constraint), ordered so two snapshots compare line by line. Reads only.
 */
export async function snapshotSchema(client: pg.ClientBase, now: Date): Promise<SchemaSnapshot> {
  const version = await client.query<{ v: string }>("select current_setting('server_version') as v");
  const columns = await client.query<{ table: string; column: string; type: string; nullable: string; default: string | null }>(
    `select table_schema || '.' || table_name as table, column_name as column, data_type as type, is_nullable as nullable, column_default as default
       from information_schema.columns where table_schema not in ${SYSTEM} and table_schema not like 'pg_temp%'
      order by table_schema, table_name, ordinal_position`,
  );
  const indexes = await client.query<{ d: string }>(`select schemaname || '.' || indexname || ': ' || indexdef as d from pg_indexes where schemaname not in ${SYSTEM} order by 1`);
  const constraints = await client.query<{ d: string }>(
    `select n.nspname || '.' || t.relname || '.' || c.conname || ': ' || pg_get_constraintdef(c.oid) as d
       from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname not in ${SYSTEM} order by 1`,
  );
  return {
    takenAt: now.toISOString(),
    serverVersion: version.rows[0]?.v ?? '?',
    columns: columns.rows.map((r) => ({ table: r.table, column: r.column, type: r.type, nullable: r.nullable === 'YES', default: r.default })),
    indexes: indexes.rows.map((r) => r.d),
    constraints: constraints.rows.map((r) => r.d),
  };
}

/** What changed between two snapshots, as lines ("+ column catalog.items.legacy_sku text"). */
export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): string[] {
  const cols = (s: SchemaSnapshot) => new Set(s.columns.map((c) => `column ${c.table}.${c.column} ${c.type}${c.nullable ? '' : ' not null'}`));
  const lines = (s: SchemaSnapshot) => new Set([...cols(s), ...s.indexes.map((i) => `index ${i}`), ...s.constraints.map((c) => `constraint ${c}`)]);
  const a = lines(before);
  const b = lines(after);
  return [...[...a].filter((l) => !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`)];
}
