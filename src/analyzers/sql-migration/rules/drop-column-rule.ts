import { defineRule, column } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const dropColumnRule = defineRule(
  {
    id: 'RW101',
    name: 'drop-column',
    verdict: 'unsafe',
    why: 'the old binary still selects and writes the column; its queries fail and the column’s data is gone',
    hint: 'expand/contract: stop reading and writing the column in one release, drop it in a later release once rollback past that release is no longer needed',
  },
  (stmt) =>
    alterCmds(stmt)
      .filter((a) => a.cmd.subtype === 'AT_DropColumn')
      .map((a) => ({
        part: a.part,
        subject: column(a.table, a.cmd.name ?? '?'),
        message: `drops column ${a.table}.${a.cmd.name ?? '?'}: the old binary’s queries that name it fail, and its data is lost`,
        change: `drop column ${a.table}.${a.cmd.name ?? '?'}`,
      })),
);
