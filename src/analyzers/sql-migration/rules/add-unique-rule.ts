import { defineRule, relation } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';
import { addedConstraints, constraintLabel } from './constraint-hits.ts';

export const addUniqueRule = defineRule(
  {
    id: 'RW204',
    name: 'add-unique-constraint',
    verdict: 'review',
    why: 'old code may write duplicates the new UNIQUE, PRIMARY KEY or EXCLUDE constraint rejects',
    hint: 'build a unique index CONCURRENTLY, confirm old code cannot write duplicates, then attach it with ADD CONSTRAINT ... USING INDEX',
  },
  (stmt) =>
    addedConstraints(alterCmds(stmt), ['CONSTR_UNIQUE', 'CONSTR_PRIMARY', 'CONSTR_EXCLUSION']).map(({ a, con }) => {
      const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : con.contype === 'CONSTR_EXCLUSION' ? 'EXCLUDE' : 'UNIQUE';
      return {
        part: a.part,
        subject: relation(a.table),
        message: `adds ${kind} ${constraintLabel(con)} on ${a.table}: writes from the old binary that duplicate a value fail`,
        change: `add ${kind.toLowerCase()} constraint on ${a.table}`,
      };
    }),
);
