import { as, relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';

export const backfillRule = defineRule(
  {
    id: 'RW201',
    name: 'data-backfill',
    verdict: 'review',
    why: 'UPDATE, DELETE and MERGE change rows the old binary reads; whether it still works depends on the data and on its code',
    hint: 'backfill in batches from a separate job; make sure old code tolerates both the old and the new values',
  },
  (stmt) => {
    const upd = as(stmt, 'UpdateStmt');
    const del = as(stmt, 'DeleteStmt');
    const merge = as(stmt, 'MergeStmt');
    const rv = upd?.relation ?? del?.relation ?? merge?.relation;
    if (!rv) return [];
    const verb = upd ? 'updates' : del ? 'deletes from' : 'merges into';
    const where = upd ? upd.whereClause : del ? del.whereClause : undefined;
    const name = relName(rv);
    return [
      {
        subject: relation(name),
        message: `${verb} ${name}${!merge && !where ? ' (every row: no WHERE)' : ''}: the old binary sees the changed rows; ${del ? 'deleted rows are lost to it' : 'check that it reads the new values correctly'}`,
        change: `${upd ? 'update' : del ? 'delete from' : 'merge into'} ${name}`,
      },
    ];
  },
);
