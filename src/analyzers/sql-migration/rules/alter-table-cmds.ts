import type { AlterTableCmd, AlterTableStmt, Node } from 'libpg-query';
import { as, relName } from '../pg-ast.ts';

export interface AlterCmd {
  readonly table: string;
  readonly cmd: AlterTableCmd;
  /** Position of the sub-command in the statement, for coverage. */
  readonly part: number;
  readonly objtype: AlterTableStmt['objtype'];
}

/** The sub-commands of an ALTER TABLE (or ALTER ... of a view/index), flattened. */
export function alterCmds(stmt: Node): readonly AlterCmd[] {
  const alter = as(stmt, 'AlterTableStmt');
  if (!alter) return [];
  const table = relName(alter.relation);
  const out: AlterCmd[] = [];
  (alter.cmds ?? []).forEach((c, part) => {
    const cmd = as(c, 'AlterTableCmd');
    if (cmd) out.push({ table, cmd, part, objtype: alter.objtype });
  });
  return out;
}
