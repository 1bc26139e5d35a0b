import type { Node } from 'libpg-query';
import { as, bareName, nameOf, objectName, relName } from './pg-ast.ts';
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
  /** Findings of the statements in each function body created in the window, keyed by bare name. */
  readonly #functionBodies = new Map<string, readonly Finding[]>();
  /** While a checkpoint is open: how to undo each change since, newest last. */
  #undo: (() => void)[] | undefined;

  /**
   * Starts keeping what each change overwrites, so a file judged a piece at a time can be taken
   * back when a later piece does not parse (the file is then judged whole, or as a parse error).
   */
  checkpoint(): { rollback(): void; release(): void } {
    const undo: (() => void)[] = [];
    this.#undo = undo;
    return {
      rollback: () => {
        for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
        this.#undo = undefined;
      },
      release: () => {
        this.#undo = undefined;
      },
    };
  }

  #put<V>(map: Map<string, V>, k: string, v: V): void {
    if (this.#undo) {
      const had = map.has(k);
      const prev = map.get(k) as V;
      this.#undo.push(() => (had ? map.set(k, prev) : map.delete(k)));
    }
    map.set(k, v);
  }

  origin(subject: Subject): Origin | undefined {
    const hit = this.#created.get(key(subject.kind, subject.name));
    if (hit || subject.kind !== 'column') return hit;
    // A column of a table the window created is new as well.
    return this.#created.get(key('relation', subject.name.split('.')[0] ?? ''));
  }

  functionBody(name: string): readonly Finding[] | undefined {
    return this.#functionBodies.get(bareName(name));
  }

  setFunctionBody(name: string, findings: readonly Finding[]): void {
    this.#put(this.#functionBodies, bareName(name), findings);
  }

  #add(kind: Subject['kind'], name: string, at: Origin): void {
    const k = key(kind, name);
    if (!this.#created.has(k)) this.#put(this.#created, k, at);
  }

  #rename(kind: Subject['kind'], from: string, to: string): void {
    const at = this.#created.get(key(kind, from));
    if (at) this.#put(this.#created, key(kind, to), at);
    if (kind === 'relation') {
      // Columns of a renamed new table stay new under the new name.
      const prefix = `column:${bareName(from)}.`;
      for (const [k, v] of [...this.#created]) if (k.startsWith(prefix)) this.#put(this.#created, `column:${bareName(to)}.${k.slice(prefix.length)}`, v);
    }
  }

  /** Records what `stmt` creates or renames; called after the statement is judged. */
  record(stmt: Node, at: Origin): void {
    const create = as(stmt, 'CreateStmt');
    if (create) {
      const t = relName(create.relation);
      this.#add('relation', t, at);
      for (const el of create.tableElts ?? []) {
        const col = as(el, 'ColumnDef');
        if (col?.colname) this.#add('column', `${bareName(t)}.${col.colname}`, at);
      }
      return;
    }
    const ctas = as(stmt, 'CreateTableAsStmt');
    if (ctas) return this.#add('relation', relName(ctas.into?.rel), at);
    const view = as(stmt, 'ViewStmt');
    if (view && !view.replace) return this.#add('relation', relName(view.view), at);
    const seq = as(stmt, 'CreateSeqStmt');
    if (seq) return this.#add('relation', relName(seq.sequence), at);
    const idx = as(stmt, 'IndexStmt');
    if (idx?.idxname) return this.#add('index', idx.idxname, at);
    const fn = as(stmt, 'CreateFunctionStmt');
    if (fn && !fn.replace) return this.#add('function', nameOf(fn.funcname), at);
    const en = as(stmt, 'CreateEnumStmt');
    if (en) return this.#add('type', nameOf(en.typeName), at);
    const comp = as(stmt, 'CompositeTypeStmt');
    if (comp) return this.#add('type', relName(comp.typevar), at);
    const dom = as(stmt, 'CreateDomainStmt');
    if (dom) return this.#add('type', nameOf(dom.domainname), at);
    const range = as(stmt, 'CreateRangeStmt');
    if (range) return this.#add('type', nameOf(range.typeName), at);
    const schema = as(stmt, 'CreateSchemaStmt');
    if (schema?.schemaname) return this.#add('schema', schema.schemaname, at);
    const trig = as(stmt, 'CreateTrigStmt');
    if (trig?.trigname && !trig.replace) return this.#add('trigger', trig.trigname, at);
    const alter = as(stmt, 'AlterTableStmt');
    if (alter) {
      const t = relName(alter.relation);
      for (const c of alter.cmds ?? []) {
        const cmd = as(c, 'AlterTableCmd');
        const col = as(cmd?.def, 'ColumnDef');
        if (cmd?.subtype === 'AT_AddColumn' && col?.colname) this.#add('column', `${bareName(t)}.${col.colname}`, at);
        const con = as(cmd?.def, 'Constraint');
        if (cmd?.subtype === 'AT_AddConstraint' && con?.conname) this.#add('constraint', con.conname, at);
      }
      return;
    }
    const ren = as(stmt, 'RenameStmt');
    if (ren?.newname) {
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
}

function key(kind: Subject['kind'], name: string): string {
  return kind === 'column' ? `column:${name.toLowerCase()}` : `${kind}:${bareName(name)}`;
}
