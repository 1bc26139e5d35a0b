import type { Node, ObjectType } from 'libpg-query';
import { as, objectName } from '../pg-ast.ts';
import type { RuleHit, Subject } from '../rule.ts';

/** Hits for each object of a DROP of one of `types`, with the subject kind the window tracks. */
export function dropHits(
  stmt: Node,
  types: readonly ObjectType[],
  subjectKind: Subject['kind'],
  what: (type: ObjectType, name: string) => string,
): readonly RuleHit[] {
  const drop = as(stmt, 'DropStmt');
  if (!drop?.removeType || !types.includes(drop.removeType)) return [];
  const type = drop.removeType;
  const label = type.replace(/^OBJECT_/, '').replace('MATVIEW', 'MATERIALIZED VIEW').toLowerCase();
  return (drop.objects ?? []).map((o) => {
    const name = objectName(o);
    const ifExists = drop.missing_ok ? ' (IF EXISTS does not make it safer: the old binary expects it to exist)' : '';
    return {
      subject: { kind: subjectKind, name },
      message: `${what(type, name)}${drop.behavior === 'DROP_CASCADE' ? '; CASCADE also drops whatever depends on it' : ''}${ifExists}`,
      change: `drop ${label} ${name}`,
    };
  });
}
