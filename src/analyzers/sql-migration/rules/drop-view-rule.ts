import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropViewRule = defineRule(
  {
    id: 'RW103',
    name: 'drop-view',
    verdict: 'unsafe',
    why: 'the old binary may query the view; its queries fail',
    hint: 'keep the view until no deployable release reads it; drop it in a later release',
  },
  (stmt) =>
    dropHits(stmt, ['OBJECT_VIEW', 'OBJECT_MATVIEW'], 'relation', (_t, n) => `drops view ${n}: the old binary’s queries on it fail`),
);
