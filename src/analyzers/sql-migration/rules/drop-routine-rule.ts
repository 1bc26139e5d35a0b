import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropRoutineRule = defineRule(
  {
    id: 'RW104',
    name: 'drop-function',
    verdict: 'unsafe',
    why: 'the old binary (or a trigger or default it relies on) may call the function; those calls fail',
    hint: 'leave the function in place until no deployable release calls it',
  },
  (stmt) =>
    dropHits(
      stmt,
      ['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE'],
      'function',
      (t, n) => `drops ${t === 'OBJECT_PROCEDURE' ? 'procedure' : 'function'} ${n}: calls from the old binary, triggers or defaults fail`,
    ),
);
