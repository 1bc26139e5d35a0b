import type { Node } from 'libpg-query';
import { as, nameOf, walk } from '../pg-ast.ts';

// NOTE: built-ins a migration commonly calls for their value or a lock; none changes the schema
// or rows the old binary reads. Anything else may do anything, so it is `review`.
const harmless = new Set(
  (
    'set_config current_setting setval nextval currval lastval pg_advisory_lock pg_advisory_xact_lock pg_advisory_unlock ' +
    'pg_try_advisory_lock pg_try_advisory_xact_lock pg_advisory_lock_shared pg_sleep now clock_timestamp statement_timestamp ' +
    'transaction_timestamp count sum min max avg array_agg string_agg json_agg jsonb_agg bool_and bool_or coalesce lower upper ' +
    'length char_length trim btrim ltrim rtrim substring substr replace format concat concat_ws to_regclass to_regtype to_regproc ' +
    'to_char to_date to_timestamp to_number gen_random_uuid uuid_generate_v4 md5 random abs round floor ceil greatest least ' +
    'jsonb_build_object json_build_object jsonb_build_array to_jsonb to_json row_to_json array_length cardinality unnest ' +
    'generate_series pg_get_serial_sequence quote_ident quote_literal quote_nullable version current_database current_schema ' +
    'date_trunc extract date_part age pg_column_size pg_relation_size pg_total_relation_size has_table_privilege ' +
    'has_column_privilege has_schema_privilege obj_description col_description split_part regexp_replace left right position'
  ).split(' '),
);

/** Names of the functions `stmt` calls that are not known to be harmless built-ins. */
export function unknownCalls(stmt: Node): string[] {
  const out: string[] = [];
  walk(stmt, (n) => {
    const fc = as(n, 'FuncCall');
    if (!fc) return;
    const name = nameOf(fc.funcname);
    const parts = name.split('.');
    if (parts[0] === 'pg_catalog' || harmless.has((parts[parts.length - 1] ?? '').toLowerCase())) return;
    if (!out.includes(name)) out.push(name);
  });
  const call = as(stmt, 'CallStmt');
  if (call?.funccall) {
    const name = nameOf(call.funccall.funcname);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
