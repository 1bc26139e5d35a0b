import { as, relName } from '../pg-ast.ts';
import { defineRule } from '../rule.ts';

export const renameConstraintRule = defineRule(
  {
    id: 'RW213',
    name: 'rename-constraint',
    verdict: 'review',
    why: 'applications match constraint names in error handling (e.g. "unique violation on users_email_key") and in ON CONFLICT ON CONSTRAINT',
    hint: 'grep the old binary for the constraint name before renaming it',
  },
  (stmt) => {
    const ren = as(stmt, 'RenameStmt');
    if (ren?.renameType !== 'OBJECT_TABCONSTRAINT' && ren?.renameType !== 'OBJECT_DOMCONSTRAINT') return [];
    return [
      {
        subject: { kind: 'constraint', name: ren.subname ?? '?' },
        message: `renames constraint ${ren.subname ?? '?'} on ${relName(ren.relation)} to ${ren.newname ?? '?'}: old code that names it (ON CONFLICT ON CONSTRAINT, error handling) stops matching`,
        change: `rename constraint ${ren.subname ?? '?'}`,
      },
    ];
  },
);
