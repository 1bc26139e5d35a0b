import type { ConstrType, Constraint } from 'libpg-query';
import { as, nameOf } from '../pg-ast.ts';
import type { AlterCmd } from './alter-table-cmds.ts';

/** ADD CONSTRAINT sub-commands of the given types, and inline constraints of columns added to existing tables are handled elsewhere. */
export function addedConstraints(cmds: readonly AlterCmd[], types: readonly ConstrType[]): { a: AlterCmd; con: Constraint }[] {
  const out: { a: AlterCmd; con: Constraint }[] = [];
  for (const a of cmds) {
    const con = as(a.cmd.def, 'Constraint');
    if ((a.cmd.subtype === 'AT_AddConstraint' || a.cmd.subtype === 'AT_AddIndexConstraint') && con?.contype && types.includes(con.contype)) out.push({ a, con });
  }
  return out;
}

export function constraintLabel(con: Constraint): string {
  const cols = nameOf(con.keys ?? con.fk_attrs);
  return `${con.conname ? `${con.conname} ` : ''}${cols ? `(${cols.replaceAll('.', ', ')})` : ''}`.trim();
}

export function notValid(con: Constraint): string {
  return con.skip_validation ? ' (NOT VALID only skips existing rows; new writes are checked at once)' : '';
}
