import { as, nameOf } from '../pg-ast.ts';
import { column, defineRule, type RuleHit } from '../rule.ts';
import { alterCmds } from './alter-table-cmds.ts';

export const dropNotNullRule = defineRule(
  {
    id: 'RW216',
    name: 'drop-not-null',
    verdict: 'review',
    why: 'after a rollback the old binary reads rows the new release wrote, and they may hold NULL where the old code assumes a value',
    hint: 'check that the old binary tolerates NULL in this column (or that the new release never writes NULL before rollback is ruled out)',
  },
  (stmt) => {
    const hits: RuleHit[] = alterCmds(stmt)
      .filter((a) => a.cmd.subtype === 'AT_DropNotNull')
      .map((a) => ({
        part: a.part,
        subject: column(a.table, a.cmd.name ?? '?'),
        message: `drops NOT NULL on ${a.table}.${a.cmd.name ?? '?'}: rows written by the new release may hold NULL, which the old binary may not expect after a rollback`,
        change: `drop NOT NULL on ${a.table}.${a.cmd.name ?? '?'}`,
      }));
    const dom = as(stmt, 'AlterDomainStmt');
    if (dom?.subtype === 'N') {
      const name = nameOf(dom.typeName);
      hits.push({ subject: { kind: 'type', name }, message: `drops NOT NULL on domain ${name}: values written through it may now be NULL`, change: `drop NOT NULL on domain ${name}` });
    }
    return hits;
  },
);
