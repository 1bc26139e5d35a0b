import type { Node } from 'libpg-query';
import { as, bareName, nameOf, objectName, relName, typeOf, type NodeOf } from './pg-ast.ts';
import type { Subject } from './rule.ts';
import type { Finding } from './report-types.ts';

/** Where an object was created in the window, for the "created at file:line" explanation. */
export interface Origin {
  readonly path: string;
  readonly line: number;
}

/**
 * Objects created between last-good and the revision being judged. The old binary has
 * never seen them, so dropping, renaming or constraining them cannot break it.
 * NOTE: names are compared without schema (lower-cased): migrations rarely qualify
 * consistently, and a false "new" needs a same-named object in two schemas in one window.
 */
export class WindowState {
  readonly #created = new Map<string, Origin>();
  /**
   * The column keys put in #created, by their table part (`column:TABLE.`), made at the first
   * rename of a table: its rename then visits its own columns, not every object of the window.
   * Never pruned: a key taken back by a rollback stays listed, and #rename skips what #created no
   * longer holds.
   */
  #columnsByTable: Map<string, Set<string>> | undefined;
  /** Findings of the statements in each function body created in the window, keyed by bare name. */
  readonly #functionBodies = new Map<string, readonly Finding[]>();
  /** While a checkpoint is open: what each change since overwrote, newest last. */
  #undo: UndoEntry[] | undefined;

  /**
   * Starts keeping what each change overwrites, so a file judged a piece at a time can be taken
   * back when a later piece does not parse (the file is then judged whole, or as a parse error).
   */
  checkpoint(): { rollback(): void; release(): void } {
    const undo: UndoEntry[] = [];
    this.#undo = undo;
    // NOTE: a key new since the checkpoint is not logged: nothing but a rollback deletes from these
    // maps, and a value overwritten keeps its key's place, so the keys added since are the ones
    // past each map's size here, in insertion order (a 20,000-statement file adds ~20,000 names
    // inside one checkpoint: an undo entry each was allocated, kept and promoted).
    const sizes: [Map<string, unknown>, number][] = [
      [this.#created, this.#created.size],
      [this.#functionBodies, this.#functionBodies.size],
    ];
    return {
      rollback: () => {
        for (let i = undo.length - 1; i >= 0; i--) {
          const u = undo[i];
          if (u) u.map.set(u.key, u.prev);
        }
        for (const [map, size] of sizes) {
          const added: string[] = [];
          let n = 0;
          for (const k of map.keys()) if (n++ >= size) added.push(k);
          for (const k of added) map.delete(k);
        }
        this.#undo = undefined;
      },
      release: () => {
        this.#undo = undefined;
      },
    };
  }

  #put<V>(map: Map<string, V>, k: string, v: V, had = map.has(k)): void {
    if (had) this.#undo?.push({ map, key: k, prev: map.get(k) });
    map.set(k, v);
  }

  #putCreated(k: string, at: Origin, had = this.#created.has(k)): void {
    this.#put(this.#created, k, at, had);
    if (this.#columnsByTable && !had) indexColumn(this.#columnsByTable, k);
  }

  origin(subject: Subject): Origin | undefined {
    const hit = this.#created.get(key(subject.kind, subject.name));
    if (hit || subject.kind !== 'column') return hit;
    // A column of a table the window created is new as well.
    // (the name up to its first dot, as split('.')[0], without the array)
    const dot = subject.name.indexOf('.');
    return this.#created.get(key('relation', dot < 0 ? subject.name : subject.name.slice(0, dot)));
  }

  functionBody(name: string): readonly Finding[] | undefined {
    return this.#functionBodies.get(bareName(name));
  }

  setFunctionBody(name: string, findings: readonly Finding[]): void {
    this.#put(this.#functionBodies, bareName(name), findings);
  }

  #add(kind: Subject['kind'], name: string, at: Origin): void {
    const k = key(kind, name);
    if (!this.#created.has(k)) this.#putCreated(k, at, false);
  }

  #rename(kind: Subject['kind'], from: string, to: string): void {
    const at = this.#created.get(key(kind, from));
    if (at) this.#putCreated(key(kind, to), at);
    if (kind === 'relation') {
      // Columns of a renamed new table stay new under the new name.
      // NOTE: only this table's columns (#columnsByTable), not a copy of every object the window
      // created: a window of many renames was quadratic. Copied first, as the new keys may join the set.
      const prefix = `column:${bareName(from)}.`;
      if (!this.#columnsByTable) {
        this.#columnsByTable = new Map();
        for (const k of this.#created.keys()) indexColumn(this.#columnsByTable, k);
      }
      for (const k of [...(this.#columnsByTable.get(bareName(from)) ?? [])]) {
        const v = this.#created.get(k);
        if (v) this.#putCreated(`column:${bareName(to)}.${k.slice(prefix.length)}`, v);
      }
    }
  }

  /** Records what `stmt` creates or renames; called after the statement is judged. */
  record(stmt: Node, at: Origin): void {
    // NOTE: one switch on the statement's type instead of probing every type in turn (every statement comes here).
    switch (typeOf(stmt)) {
      case 'CreateStmt': {
        const create = as(stmt, 'CreateStmt');
        const t = relName(create?.relation);
        this.#add('relation', t, at);
        for (const el of create?.tableElts ?? []) {
          const col = as(el, 'ColumnDef');
          if (col?.colname) this.#add('column', `${bareName(t)}.${col.colname}`, at);
        }
        return;
      }
      case 'CreateTableAsStmt':
        return this.#add('relation', relName(as(stmt, 'CreateTableAsStmt')?.into?.rel), at);
      case 'ViewStmt': {
        const view = as(stmt, 'ViewStmt');
        if (view && !view.replace) this.#add('relation', relName(view.view), at);
        return;
      }
      case 'CreateSeqStmt':
        return this.#add('relation', relName(as(stmt, 'CreateSeqStmt')?.sequence), at);
      case 'IndexStmt': {
        const idx = as(stmt, 'IndexStmt');
        if (idx?.idxname) this.#add('index', idx.idxname, at);
        return;
      }
      case 'CreateFunctionStmt': {
        const fn = as(stmt, 'CreateFunctionStmt');
        if (fn && !fn.replace) this.#add('function', nameOf(fn.funcname), at);
        return;
      }
      case 'CreateEnumStmt':
        return this.#add('type', nameOf(as(stmt, 'CreateEnumStmt')?.typeName), at);
      case 'CompositeTypeStmt':
        return this.#add('type', relName(as(stmt, 'CompositeTypeStmt')?.typevar), at);
      case 'CreateDomainStmt':
        return this.#add('type', nameOf(as(stmt, 'CreateDomainStmt')?.domainname), at);
      case 'CreateRangeStmt':
        return this.#add('type', nameOf(as(stmt, 'CreateRangeStmt')?.typeName), at);
      case 'CreateSchemaStmt': {
        const schema = as(stmt, 'CreateSchemaStmt');
        if (schema?.schemaname) this.#add('schema', schema.schemaname, at);
        return;
      }
      case 'CreateTrigStmt': {
        const trig = as(stmt, 'CreateTrigStmt');
        if (trig?.trigname && !trig.replace) this.#add('trigger', trig.trigname, at);
        return;
      }
      case 'AlterTableStmt': {
        const alter = as(stmt, 'AlterTableStmt');
        const t = relName(alter?.relation);
        for (const c of alter?.cmds ?? []) {
          const cmd = as(c, 'AlterTableCmd');
          const col = as(cmd?.def, 'ColumnDef');
          if (cmd?.subtype === 'AT_AddColumn' && col?.colname) this.#add('column', `${bareName(t)}.${col.colname}`, at);
          const con = as(cmd?.def, 'Constraint');
          if (cmd?.subtype === 'AT_AddConstraint' && con?.conname) this.#add('constraint', con.conname, at);
        }
        return;
      }
      case 'RenameStmt':
        return this.#recordRename(as(stmt, 'RenameStmt'));
      default:
        return;
    }
  }

  #recordRename(ren: NodeOf<'RenameStmt'> | undefined): void {
    if (!ren?.newname) return;
    const t = ren.relation ? relName(ren.relation) : objectName(ren.object);
    switch (ren.renameType) {
      case 'OBJECT_COLUMN':
        return this.#rename('column', `${bareName(t)}.${ren.subname ?? ''}`, `${bareName(t)}.${ren.newname}`);
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_FOREIGN_TABLE':
        return this.#rename('relation', t, ren.newname);
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        return this.#rename('type', t, ren.newname);
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
        return this.#rename('function', t, ren.newname);
      case 'OBJECT_SCHEMA':
        return this.#rename('schema', ren.subname ?? t, ren.newname);
      default:
        return;
    }
  }
}

/** A key a change overwrote, and its value before. */
interface UndoEntry {
  readonly map: Map<string, unknown>;
  readonly key: string;
  readonly prev: unknown;
}

/** Lists a column key under its table part: `column:` + the table's bare name (no dot: bareName) + `.` + the column. */
function indexColumn(byTable: Map<string, Set<string>>, k: string): void {
  const dot = k.startsWith('column:') ? k.indexOf('.', 7) : -1;
  if (dot < 0) return;
  const table = k.slice(7, dot);
  let keys = byTable.get(table);
  if (!keys) byTable.set(table, (keys = new Set()));
  keys.add(k);
}

function key(kind: Subject['kind'], name: string): string {
  return kind === 'column' ? `column:${name.toLowerCase()}` : `${kind}:${bareName(name)}`;
}
