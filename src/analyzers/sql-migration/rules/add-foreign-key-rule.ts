import { relName } from '../pg-ast.ts';
import { defineRule, relation } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';
import { addedConstraints, constraintLabel, notValid } from './constraint-hits.ts';

export const addForeignKeyRule = defineRule(
  {
    id: 'RW203',
    name: 'add-foreign-key',
    verdict: 'review',
    why: 'old code may insert rows whose reference does not exist, or delete referenced rows; those writes now fail (or cascade)',
    hint: 'add it NOT VALID after confirming the old binary keeps references intact; VALIDATE later',
  },
  (stmt) =>
    addedConstraints(alterCmds(stmt), ['CONSTR_FOREIGN']).map(({ a, con }) => ({
      part: a.part,
      subject: relation(a.table),
      message: `adds FOREIGN KEY ${constraintLabel(con)} on ${a.table} referencing ${relName(con.pktable)}: the old binary’s writes with dangling references (and deletes of referenced rows) fail${notValid(con)}`,
      change: `add foreign key on ${a.table}`,
    })),
);
