import type pg from 'pg';

const EXCLUDED = "('pg_catalog', 'information_schema', 'pg_toast', 'rewind')";
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * DDL that rebuilds the user tables' shape (no rows) from the live catalog, for a rehearsal on a
 * throwaway database: schemas, tables with their columns (`format_type`, NOT NULL; defaults left
 * out, as they name sequences and functions the copy does not have), constraints (primary and
 * unique keys and checks before foreign keys), then the indexes no constraint owns. Reads only.
 * Types the copy cannot know (extensions, enums) make the rehearsal fail, reported as such.
 */
export async function schemaDdl(client: pg.ClientBase): Promise<string[]> {
  const schemas = await client.query<{ n: string }>(`select nspname as n from pg_namespace where nspname not in ${EXCLUDED} and nspname not like 'pg_%' and nspname <> 'public' order by 1`);
  const cols = await client.query<{ s: string; t: string; c: string; type: string; notnull: boolean }>(
    `select n.nspname as s, c.relname as t, a.attname as c, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and n.nspname not in ${EXCLUDED} and n.nspname not like 'pg_%'
      order by n.nspname, c.relname, a.attnum`,
  );
  const cons = await client.query<{ s: string; t: string; name: string; def: string; contype: string }>(
    `select n.nspname as s, t.relname as t, c.conname as name, pg_get_constraintdef(c.oid) as def, c.contype::text as contype
       from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname not in ${EXCLUDED} and n.nspname not like 'pg_%' and c.contype in ('p', 'u', 'c', 'f', 'x')
      order by case c.contype when 'f' then 1 else 0 end, 1, 2, 3`,
  );
  const idx = await client.query<{ def: string }>(
    `select pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ${EXCLUDED} and n.nspname not like 'pg_%' and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by 1`,
  );
  const tables = new Map<string, string[]>();
  for (const r of cols.rows) {
    const key = `${ident(r.s)}.${ident(r.t)}`;
    tables.set(key, [...(tables.get(key) ?? []), `${ident(r.c)} ${r.type}${r.notnull ? ' NOT NULL' : ''}`]);
  }
  return [
    ...schemas.rows.map((r) => `CREATE SCHEMA ${ident(r.n)}`),
    ...[...tables].map(([t, c]) => `CREATE TABLE ${t} (${c.join(', ')})`),
    ...cons.rows.map((r) => `ALTER TABLE ${ident(r.s)}.${ident(r.t)} ADD CONSTRAINT ${ident(r.name)} ${r.def}`),
    ...idx.rows.map((r) => r.def),
  ];
}
