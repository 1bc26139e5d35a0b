import { as, relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';

export const insertRowsRule = defineRule(
  {
    id: 'RW214',
    name: 'insert-rows',
    verdict: 'review',
    why: 'seed or reference rows are visible to the old binary; whether it handles them depends on its code (e.g. an enum-like lookup value it does not know)',
    hint: 'check that old code ignores or tolerates the new rows',
  },
  (stmt) => {
    const ins = as(stmt, 'InsertStmt');
    const copy = as(stmt, 'CopyStmt');
    const rv = ins?.relation ?? (copy?.is_from ? copy.relation : undefined);
    if (!rv) return [];
    const name = relName(rv);
    return [{ subject: relation(name), message: `inserts rows into ${name}: the old binary sees them; check it handles values it does not know`, change: `insert into ${name}` }];
  },
);
