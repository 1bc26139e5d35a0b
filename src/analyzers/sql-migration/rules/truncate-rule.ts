import { as, relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';

export const truncateRule = defineRule(
  {
    id: 'RW114',
    name: 'truncate',
    verdict: 'unsafe',
    why: 'all rows are deleted; a code rollback cannot bring them back',
    hint: 'delete in batches with a backup, or leave the data and stop using it',
  },
  (stmt) => {
    const t = as(stmt, 'TruncateStmt');
    if (!t) return [];
    return (t.relations ?? []).map((r) => {
      const name = relName(as(r, 'RangeVar'));
      return { subject: relation(name), message: `truncates ${name}: every row is gone, and rolling back code does not restore them`, change: `truncate ${name}` };
    });
  },
);
