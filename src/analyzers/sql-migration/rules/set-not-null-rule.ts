import { as, nameOf } from '../pg-ast.ts';
import { column, defineRule, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const setNotNullRule = defineRule(
  {
    id: 'RW111',
    name: 'set-not-null',
    verdict: 'unsafe',
    why: 'the old binary may insert rows without the column (or with NULL); those inserts now fail',
    hint: 'make the column NOT NULL only after every deployable release writes it; add a default first if old code omits it',
  },
  (stmt) => {
    const hits: RuleHit[] = [];
    for (const a of alterCmds(stmt)) {
      const con = as(a.cmd.def, 'Constraint');
      // PG 18 also spells it ADD CONSTRAINT name NOT NULL col.
      const col =
        a.cmd.subtype === 'AT_SetNotNull'
          ? a.cmd.name
          : a.cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_NOTNULL'
            ? nameOf(con.keys)
            : undefined;
      if (col === undefined) continue;
      hits.push({
        part: a.part,
        subject: column(a.table, col),
        message: `sets ${a.table}.${col} NOT NULL: inserts from the old binary that omit it (or write NULL) fail`,
        change: `set ${a.table}.${col} NOT NULL`,
      });
    }
    const dom = as(stmt, 'AlterDomainStmt');
    if (dom?.subtype === 'O') {
      const name = nameOf(dom.typeName);
      hits.push({ subject: { kind: 'type', name }, message: `sets domain ${name} NOT NULL: writes of NULL through it fail`, change: `set domain ${name} NOT NULL` });
    }
    return hits;
  },
);
