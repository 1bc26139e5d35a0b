import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropSchemaRule = defineRule(
  {
    id: 'RW107',
    name: 'drop-schema',
    verdict: 'unsafe',
    why: 'everything in the schema the old binary uses is gone',
    hint: 'move or retire the objects first; drop the schema in a later release',
  },
  (stmt) => dropHits(stmt, ['OBJECT_SCHEMA'], 'schema', (_t, n) => `drops schema ${n}: every object the old binary uses in it is gone`),
);
