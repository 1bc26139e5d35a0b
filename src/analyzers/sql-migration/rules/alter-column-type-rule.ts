import { as, typeNameOf } from '../pg-ast.ts';
import { column, defineRule } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const alterColumnTypeRule = defineRule(
  {
    id: 'RW113',
    name: 'alter-column-type',
    verdict: 'unsafe',
    why: 'the old binary reads and writes the column with the old type; values, precision or casts change under it (and the table is rewritten)',
    hint: 'add a new column with the new type, write both, backfill, switch reads, drop the old column in a later release',
  },
  (stmt) =>
    alterCmds(stmt)
      .filter((a) => a.cmd.subtype === 'AT_AlterColumnType')
      .map((a) => {
        const to = typeNameOf(as(a.cmd.def, 'ColumnDef')?.typeName);
        return {
          part: a.part,
          subject: column(a.table, a.cmd.name ?? '?'),
          message: `changes the type of ${a.table}.${a.cmd.name ?? '?'} to ${to}: the old binary’s reads, writes and casts of it may fail or lose precision`,
          change: `change type of ${a.table}.${a.cmd.name ?? '?'} to ${to}`,
        };
      }),
);
