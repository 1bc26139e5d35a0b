import { column, defineRule } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const dropDefaultRule = defineRule(
  {
    id: 'RW206',
    name: 'drop-default',
    verdict: 'review',
    why: 'old code that omits the column relied on the default; its inserts now write NULL (or fail if NOT NULL)',
    hint: 'drop the default only after every deployable release writes the column explicitly',
  },
  (stmt) =>
    alterCmds(stmt)
      .filter((a) => (a.cmd.subtype === 'AT_ColumnDefault' && a.cmd.def === undefined) || a.cmd.subtype === 'AT_DropIdentity')
      .map((a) => ({
        part: a.part,
        subject: column(a.table, a.cmd.name ?? '?'),
        message: `drops the ${a.cmd.subtype === 'AT_DropIdentity' ? 'identity' : 'default'} of ${a.table}.${a.cmd.name ?? '?'}: old inserts that omit it now write NULL, or fail if it is NOT NULL`,
        change: `drop default of ${a.table}.${a.cmd.name ?? '?'}`,
      })),
);
