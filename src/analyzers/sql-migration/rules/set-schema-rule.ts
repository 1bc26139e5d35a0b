import type { ObjectType } from 'libpg-query';
import { as, objectName, relName } from '../pg-ast.ts';
import { defineRule, type Subject } from '../rule.ts';

const kindOf = (t: ObjectType | undefined): Subject['kind'] =>
  t === 'OBJECT_TYPE' || t === 'OBJECT_DOMAIN' ? 'type' : t === 'OBJECT_FUNCTION' || t === 'OBJECT_PROCEDURE' ? 'function' : 'relation';

export const setSchemaRule = defineRule(
  {
    id: 'RW110',
    name: 'set-schema',
    verdict: 'unsafe',
    why: 'the object leaves the schema the old binary finds it in (its search_path or qualified names)',
    hint: 'create the object in the new schema beside the old one, or leave a view in the old schema',
  },
  (stmt) => {
    const s = as(stmt, 'AlterObjectSchemaStmt');
    if (!s) return [];
    const name = s.relation ? relName(s.relation) : objectName(s.object);
    const label = s.objectType?.replace(/^OBJECT_/, '').toLowerCase() ?? 'object';
    return [
      {
        subject: { kind: kindOf(s.objectType), name },
        message: `moves ${label} ${name} to schema ${s.newschema ?? '?'}: the old binary looks for it where it was`,
        change: `move ${label} ${name} to schema ${s.newschema ?? '?'}`,
      },
    ];
  },
);
