import type { ObjectType } from 'libpg-query';
import { as, objectName, relName } from '../pg-ast.ts';
import { defineRule, type Subject } from '../rule.ts';

const kinds: Partial<Record<ObjectType, Subject['kind']>> = {
  OBJECT_TABLE: 'relation',
  OBJECT_VIEW: 'relation',
  OBJECT_MATVIEW: 'relation',
  OBJECT_SEQUENCE: 'relation',
  OBJECT_FOREIGN_TABLE: 'relation',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_SCHEMA: 'schema',
};

export const renameRelationRule = defineRule(
  {
    id: 'RW109',
    name: 'rename-table',
    verdict: 'unsafe',
    why: 'the old binary still uses the old name of the table, view, sequence, type, function or schema',
    hint: 'create the new object (or an updatable view under the new name), move readers and writers, retire the old name in a later release',
  },
  (stmt) => {
    const ren = as(stmt, 'RenameStmt');
    const kind = ren?.renameType ? kinds[ren.renameType] : undefined;
    if (!ren || !kind) return [];
    const from = ren.renameType === 'OBJECT_SCHEMA' ? (ren.subname ?? '?') : ren.relation ? relName(ren.relation) : objectName(ren.object);
    const label = ren.renameType?.replace(/^OBJECT_/, '').replace('MATVIEW', 'materialized view').toLowerCase() ?? 'object';
    return [
      {
        subject: { kind, name: from },
        message: `renames ${label} ${from} to ${ren.newname ?? '?'}: the old binary’s queries that name ${from} fail`,
        change: `rename ${label} ${from} to ${ren.newname ?? '?'}`,
      },
    ];
  },
);
