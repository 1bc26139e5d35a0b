import { as, relName } from '../pg-ast.ts';
import { column, defineRule } from '../rule.ts';

export const renameColumnRule = defineRule(
  {
    id: 'RW108',
    name: 'rename-column',
    verdict: 'unsafe',
    why: 'the old binary still uses the old name; every query naming it fails',
    hint: 'expand/contract: add the new column, write both, backfill, switch reads, drop the old one in a later release (or keep a view with the old name)',
  },
  (stmt) => {
    const ren = as(stmt, 'RenameStmt');
    if (ren?.renameType !== 'OBJECT_COLUMN') return [];
    const t = relName(ren.relation);
    return [
      {
        subject: column(t, ren.subname ?? '?'),
        message: `renames column ${t}.${ren.subname ?? '?'} to ${ren.newname ?? '?'}: the old binary’s queries that name ${ren.subname ?? '?'} fail`,
        change: `rename column ${t}.${ren.subname ?? '?'} to ${ren.newname ?? '?'}`,
      },
    ];
  },
);
