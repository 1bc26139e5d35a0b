import { as, relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';

export const uniqueIndexRule = defineRule(
  {
    id: 'RW205',
    name: 'create-unique-index',
    verdict: 'review',
    why: 'a unique index rejects duplicates the old binary may write (CONCURRENTLY changes locking, not that)',
    hint: 'confirm old code cannot write duplicates for these columns (e.g. it upserts on them), or make the index non-unique',
  },
  (stmt) => {
    const idx = as(stmt, 'IndexStmt');
    if (!idx?.unique) return [];
    const t = relName(idx.relation);
    return [
      {
        subject: relation(t),
        message: `creates unique index ${idx.idxname ?? ''} on ${t}${idx.whereClause ? ' (partial)' : ''}: writes from the old binary that duplicate a value fail`.replace('  ', ' '),
        change: `create unique index on ${t}`,
      },
    ];
  },
);
