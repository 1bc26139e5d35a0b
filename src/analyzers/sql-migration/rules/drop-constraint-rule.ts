import { defineRule, type RuleHit } from '../rule.ts';
import { as, objectName } from '../pg-ast.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const dropConstraintRule = defineRule(
  {
    id: 'RW211',
    name: 'drop-constraint-or-index',
    verdict: 'review',
    why: 'the old binary may rely on it: ON CONFLICT needs the unique index, cascades and checks stop guarding its writes, queries may slow down',
    hint: 'check the old binary’s upserts (ON CONFLICT) and error handling for this constraint or index before dropping it',
  },
  (stmt) => {
    const hits: RuleHit[] = alterCmds(stmt)
      .filter((a) => a.cmd.subtype === 'AT_DropConstraint')
      .map((a) => ({
        part: a.part,
        subject: { kind: 'constraint', name: a.cmd.name ?? '?' },
        message: `drops constraint ${a.cmd.name ?? '?'} on ${a.table}: an ON CONFLICT on it in the old binary fails, and the rule it enforced no longer holds`,
        change: `drop constraint ${a.cmd.name ?? '?'} on ${a.table}`,
      }));
    const drop = as(stmt, 'DropStmt');
    if (drop?.removeType === 'OBJECT_INDEX') {
      for (const o of drop.objects ?? []) {
        const name = objectName(o);
        hits.push({
          subject: { kind: 'index', name },
          message: `drops index ${name}: if it is unique, the old binary’s ON CONFLICT on it fails; its queries may slow down`,
          change: `drop index ${name}`,
        });
      }
    }
    return hits;
  },
);
