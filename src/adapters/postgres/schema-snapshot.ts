import type pg from 'pg';
import type { SchemaSnapshot } from '../../core/db-schema.ts';

/** System schemas, and `rewind` (the down migrations' marker lives there: it is rewind's, not the app's). */
const EXCLUDED = "('pg_catalog', 'information_schema', 'pg_toast', 'rewind')";

/**
 * The user schemas' shape from the catalog (information_schema.columns, pg_indexes,
 * pg_constraint), ordered so two snapshots compare line by line. Reads only.
 */
export async function snapshotSchema(client: pg.ClientBase, now: Date): Promise<SchemaSnapshot> {
  const version = await client.query<{ v: string }>("select current_setting('server_version') as v");
  const columns = await client.query<{ table: string; column: string; type: string; nullable: string; default: string | null }>(
    `select table_schema || '.' || table_name as table, column_name as column, data_type as type, is_nullable as nullable, column_default as default
       from information_schema.columns where table_schema not in ${EXCLUDED} and table_schema not like 'pg_temp%'
      order by table_schema, table_name, ordinal_position`,
  );
  const indexes = await client.query<{ d: string }>(`select schemaname || '.' || indexname || ': ' || indexdef as d from pg_indexes where schemaname not in ${EXCLUDED} order by 1`);
  const constraints = await client.query<{ d: string }>(
    `select n.nspname || '.' || t.relname || '.' || c.conname || ': ' || pg_get_constraintdef(c.oid) as d
       from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname not in ${EXCLUDED} order by 1`,
  );
  return {
    takenAt: now.toISOString(),
    serverVersion: version.rows[0]?.v ?? '?',
    columns: columns.rows.map((r) => ({ table: r.table, column: r.column, type: r.type, nullable: r.nullable === 'YES', default: r.default })),
    indexes: indexes.rows.map((r) => r.d),
    constraints: constraints.rows.map((r) => r.d),
  };
}

export { diffSnapshots } from '../../core/db-schema.ts';
