import { as, nameOf } from '../pg-ast.ts';
import { defineRule } from '../rule.ts';

export const replaceFunctionRule = defineRule(
  {
    id: 'RW207',
    name: 'replace-function',
    verdict: 'review',
    why: 'CREATE OR REPLACE changes what existing callers (old code, triggers, defaults) get; a code rollback does not restore the old body',
    hint: 'create a new function under a new name (or version suffix) and switch callers; drop the old one later',
  },
  (stmt) => {
    const fn = as(stmt, 'CreateFunctionStmt');
    if (!fn?.replace) return [];
    const name = nameOf(fn.funcname);
    const kind = fn.is_procedure ? 'procedure' : 'function';
    return [
      {
        subject: { kind: 'function', name },
        message: `replaces ${kind} ${name}: if it already exists, the old binary (and triggers or defaults using it) now run the new body`,
        change: `create or replace ${kind} ${name}`,
      },
    ];
  },
);
