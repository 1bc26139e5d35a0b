/**
 * Small typed accessors over libpg-query's JSON AST. Each node is a one-key wrapper
 * (`{ AlterTableStmt: {...} }`); these helpers unwrap it without `any`.
 */
import type { Node, RangeVar, TypeName } from 'libpg-query';

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
export type NodeType = KeysOfUnion<Node>;
export type NodeOf<K extends NodeType> = Extract<Node, Record<K, unknown>>[K];

/** The wrapped value when `node` is of type `key`, else undefined. */
export function as<K extends NodeType>(node: Node | undefined, key: K): NodeOf<K> | undefined {
  if (node === undefined || node === null || typeof node !== 'object') return undefined;
  return key in node ? ((node as Record<K, unknown>)[key] as NodeOf<K>) : undefined;
}

/** The node's type name, e.g. "AlterTableStmt". */
export function typeOf(node: Node | undefined): NodeType | undefined {
  if (!node || typeof node !== 'object') return undefined;
  // NOTE: the first own key without building the keys array (called for every statement).
  for (const k in node) if (Object.hasOwn(node, k)) return k as NodeType;
  return undefined;
}

/** `String` nodes of a name list joined with dots: ["public","orders"] -> "public.orders". */
export function nameOf(list: readonly Node[] | undefined): string {
  return (list ?? []).map((n) => as(n, 'String')?.sval ?? '').filter(Boolean).join('.');
}

export function relName(rv: RangeVar | undefined): string {
  if (!rv) return '?';
  return rv.schemaname ? `${rv.schemaname}.${rv.relname ?? '?'}` : (rv.relname ?? '?');
}

// The parser resolves SQL spellings to catalog names; show them as people write them.
const internalTypes: Readonly<Record<string, string>> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  varchar: 'varchar', bpchar: 'char', timestamptz: 'timestamptz', timestamp: 'timestamp', numeric: 'numeric',
};

/** A type name as written (pg_catalog prefixes dropped): "int4", "text[]". */
export function typeNameOf(t: TypeName | undefined): string {
  if (!t) return '?';
  const names = (t.names ?? []).map((n) => as(n, 'String')?.sval ?? '');
  const shown = names[0] === 'pg_catalog' ? names.slice(1).map((n) => internalTypes[n] ?? n) : names;
  return shown.join('.') + (t.arrayBounds?.length ? '[]' : '');
}

/** Name of a dropped/renamed/commented object node (List of names, TypeName, ObjectWithArgs, String). */
export function objectName(node: Node | undefined): string {
  if (!node) return '?';
  const list = as(node, 'List');
  if (list) return nameOf(list.items);
  const tn = as(node, 'TypeName');
  if (tn) return typeNameOf(tn);
  const owa = as(node, 'ObjectWithArgs');
  if (owa) return nameOf(owa.objname);
  const s = as(node, 'String');
  if (s) return s.sval ?? '?';
  return '?';
}

/** Visits every node below `root` (depth first), calling `visit` with each wrapper. */
export function walk(root: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(root)) {
    for (const item of root) walk(item, visit);
    return;
  }
  if (!root || typeof root !== 'object') return;
  const keys = Object.keys(root);
  // A wrapper has exactly one key starting with an upper-case letter.
  if (keys.length === 1 && /^[A-Z]/.test(keys[0] ?? '')) visit(root as Node);
  for (const k of keys) walk((root as Record<string, unknown>)[k], visit);
}

/** Last component of a possibly qualified name, lower-cased: identity for window lookups. */
export function bareName(qualified: string): string {
  // NOTE: what follows the last dot, without split's array (every name the window records comes here).
  return qualified.slice(qualified.lastIndexOf('.') + 1).toLowerCase();
}
