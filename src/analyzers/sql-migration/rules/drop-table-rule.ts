import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropTableRule = defineRule(
  {
    id: 'RW102',
    name: 'drop-table',
    verdict: 'unsafe',
    why: 'the old binary still reads and writes the table; every query on it fails and its rows are gone',
    hint: 'stop using the table in one release; drop it (or rename it to a tombstone) in a later release, after a backup',
  },
  (stmt) =>
    dropHits(stmt, ['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE'], 'relation', (_t, n) => `drops table ${n}: the old binary’s queries on it fail and its rows are lost`),
);
