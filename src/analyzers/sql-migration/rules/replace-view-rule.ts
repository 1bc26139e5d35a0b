import { as, relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';

export const replaceViewRule = defineRule(
  {
    id: 'RW208',
    name: 'replace-view',
    verdict: 'review',
    why: 'CREATE OR REPLACE VIEW changes what the old binary reads from an existing view',
    hint: 'create a new view under a new name and switch readers; drop the old view later',
  },
  (stmt) => {
    const v = as(stmt, 'ViewStmt');
    if (!v?.replace) return [];
    const name = relName(v.view);
    return [{ subject: relation(name), message: `replaces view ${name}: the old binary’s reads of it return what the new definition says`, change: `create or replace view ${name}` }];
  },
);
