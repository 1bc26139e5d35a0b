import type { AlterTableCmd, AlterTableStmt, Node } from 'libpg-query';
import { as, relName } from '../pg-ast.ts';

export interface AlterCmd {
  readonly table: string;
  readonly cmd: AlterTableCmd;
  /** Position of the sub-command in the statement, for coverage. */
  readonly part: number;
  readonly objtype: AlterTableStmt['objtype'];
}

const none: readonly AlterCmd[] = Object.freeze([]);
// NOTE: about ten rules ask for the same statement's sub-commands one after another; the last
// answer is kept (the parse tree is never changed after parsing).
let lastStmt: Node | undefined;
let lastCmds: readonly AlterCmd[] = none;

/** The sub-commands of an ALTER TABLE (or ALTER ... of a view/index), flattened. */
export function alterCmds(stmt: Node): readonly AlterCmd[] {
  if (stmt === lastStmt) return lastCmds;
  const alter = as(stmt, 'AlterTableStmt');
  if (!alter) return none;
  const table = relName(alter.relation);
  const out: AlterCmd[] = [];
  (alter.cmds ?? []).forEach((c, part) => {
    const cmd = as(c, 'AlterTableCmd');
    if (cmd) out.push(Object.freeze({ table, cmd, part, objtype: alter.objtype }));
  });
  lastStmt = stmt;
  lastCmds = Object.freeze(out);
  return lastCmds;
}
