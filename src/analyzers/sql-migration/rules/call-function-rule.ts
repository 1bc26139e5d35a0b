import { as } from '../pg-ast.ts';
import { defineRule } from '../rule.ts';
import { unknownCalls } from './called-functions.ts';

export const callFunctionRule = defineRule(
  {
    id: 'RW215',
    name: 'call-function',
    verdict: 'review',
    why: 'a SELECT, PERFORM or CALL of a user function runs code rewind cannot see (unless the window defines the function: then its body is judged)',
    hint: 'inline the function’s statements in the migration, or define the function in the same window so rewind can judge its body',
  },
  (stmt) => {
    if (!as(stmt, 'SelectStmt') && !as(stmt, 'CallStmt')) return [];
    const calls = unknownCalls(stmt);
    if (calls.length === 0) return [{ verdict: 'safe', message: 'read-only query', change: 'query (no change)' }];
    return calls.map((name) => ({
      subject: { kind: 'function', name },
      message: `calls ${name}(): rewind cannot see what it changes`,
      change: `call ${name}()`,
    }));
  },
);
