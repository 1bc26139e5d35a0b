import { as, nameOf } from '../pg-ast.ts';
import { defineRule } from '../rule.ts';

export const renameEnumValueRule = defineRule(
  {
    id: 'RW115',
    name: 'rename-enum-value',
    verdict: 'unsafe',
    why: 'the old binary still writes and compares the old label; writes fail and comparisons silently stop matching',
    hint: 'add the new value, move rows and code to it, stop using the old value (Postgres cannot drop enum values)',
  },
  (stmt) => {
    const e = as(stmt, 'AlterEnumStmt');
    if (!e?.oldVal) return [];
    const type = nameOf(e.typeName);
    return [
      {
        subject: { kind: 'type', name: type },
        message: `renames value '${e.oldVal}' of enum ${type} to '${e.newVal ?? '?'}': the old binary’s writes of '${e.oldVal}' fail and its comparisons stop matching`,
        change: `rename enum value ${type}.'${e.oldVal}'`,
      },
    ];
  },
);
