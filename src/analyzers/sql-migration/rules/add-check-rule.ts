import { as, nameOf } from '../pg-ast.ts';
import { defineRule, relation, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';
import { addedConstraints, constraintLabel, notValid } from './constraint-hits.ts';

export const addCheckRule = defineRule(
  {
    id: 'RW202',
    name: 'add-check-constraint',
    verdict: 'review',
    why: 'old code may write values the new CHECK rejects (the seed calls every ALTER ... ADD safe; a constraint is not)',
    hint: 'add it NOT VALID, confirm the old binary never writes violating values, VALIDATE in a later step',
  },
  (stmt) => {
    const hits: RuleHit[] = addedConstraints(alterCmds(stmt), ['CONSTR_CHECK']).map(({ a, con }) => ({
      part: a.part,
      subject: relation(a.table),
      message: `adds CHECK ${constraintLabel(con)} on ${a.table}: writes from the old binary that violate it fail${notValid(con)}`,
      change: `add check constraint on ${a.table}`,
    }));
    const dom = as(stmt, 'AlterDomainStmt');
    if (dom?.subtype === 'C') {
      const name = nameOf(dom.typeName);
      hits.push({ subject: { kind: 'type', name }, message: `adds a constraint to domain ${name}: writes through it that violate it fail`, change: `add constraint to domain ${name}` });
    }
    return hits;
  },
);
