import { defineRule } from '../rule.ts';
import { dropHits } from './drop-objects.ts';

export const dropTypeRule = defineRule(
  {
    id: 'RW105',
    name: 'drop-type',
    verdict: 'unsafe',
    why: 'columns, casts and queries of the old binary may use the type or domain',
    hint: 'migrate columns off the type first; drop the type in a later release',
  },
  (stmt) =>
    dropHits(stmt, ['OBJECT_TYPE', 'OBJECT_DOMAIN'], 'type', (t, n) => `drops ${t === 'OBJECT_DOMAIN' ? 'domain' : 'type'} ${n}: the old binary’s casts and queries that use it fail`),
);
