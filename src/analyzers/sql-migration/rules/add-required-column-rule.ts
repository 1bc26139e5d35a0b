import { as } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const addRequiredColumnRule = defineRule(
  {
    id: 'RW112',
    name: 'add-column-not-null-without-default',
    verdict: 'unsafe',
    why: 'the old binary does not know the column, so its inserts omit it and fail the NOT NULL check',
    hint: 'add the column nullable or with a DEFAULT; backfill; set NOT NULL in a later release',
  },
  (stmt) =>
    alterCmds(stmt).flatMap((a) => {
      const col = as(a.cmd.def, 'ColumnDef');
      if (a.cmd.subtype !== 'AT_AddColumn' || !col) return [];
      const cons = (col.constraints ?? []).map((c) => as(c, 'Constraint')?.contype);
      const notNull = col.is_not_null || cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY');
      const filled = cons.includes('CONSTR_DEFAULT') || cons.includes('CONSTR_GENERATED') || cons.includes('CONSTR_IDENTITY') || Boolean(col.identity) || Boolean(col.generated) || isSerial(col.typeName);
      if (!notNull || filled) return [];
      return [
        {
          part: a.part,
          // The subject is the table: a new table has no old inserts to break.
          subject: relation(a.table),
          message: `adds ${a.table}.${col.colname ?? '?'} NOT NULL without a default: the old binary’s inserts omit it and fail`,
          change: `add column ${a.table}.${col.colname ?? '?'} NOT NULL without default`,
        },
      ];
    }),
);

/** serial types are integer columns with a nextval() default: never missing on insert. */
export function isSerial(t: { names?: unknown[] } | undefined): boolean {
  // NOTE: the type's last name is a String node; reading its sval spares a JSON.stringify per column.
  const last = t?.names?.[t.names.length - 1] as { String?: { sval?: unknown } } | undefined;
  const name = last?.String?.sval;
  return typeof name === 'string' && /^(small|big)?serial[248]?$/.test(name);
}
