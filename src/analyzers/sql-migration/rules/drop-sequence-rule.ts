import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropSequenceRule = defineRule(
  {
    id: 'RW106',
    name: 'drop-sequence',
    verdict: 'unsafe',
    why: 'the old binary (or a column default) may call nextval on it; inserts fail',
    hint: 'drop the sequence only after no release and no default uses it',
  },
  (stmt) =>
    dropHits(stmt, ['OBJECT_SEQUENCE'], 'relation', (_t, n) => `drops sequence ${n}: nextval() from the old binary or a column default fails`),
);
