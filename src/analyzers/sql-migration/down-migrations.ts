/**
 * Pairs an up migration with its down, by the layout's convention, and says what the down
 * would destroy: running it after new writes loses that data.
 */
import { as, nameOf, objectName, relName } from './pg-ast.ts';
import { parseSql } from './pg-parser.ts';
import { splitSections } from './migration-sections.ts';
import type { DownMigration } from './report-types.ts';
import { alterCmds } from './rules/alter-table-cmds.ts';
import { judgeTransaction } from './transaction-blockers.ts';

/** Reads a sibling file's content, or undefined when it does not exist. Injected: this module does no I/O. */
export type ContentLookup = (path: string) => string | undefined;

export function pairDown(path: string, content: string, lookup: ContentLookup): DownMigration {
  const inFile = splitSections(content);
  if (inFile.style) {
    const body = inFile.down?.split('\n').slice(1).join('\n');
    const exists = body !== undefined && body.trim() !== '';
    return { style: inFile.style, path, exists, drops: inFile.down ? dropsOf(inFile.down) : [], ...(exists ? { sql: body, blockers: blockersOf(body) } : {}) };
  }
  const candidate = downPathFor(path);
  if (!candidate) return { style: 'none', path: undefined, exists: false, drops: [] };
  const down = lookup(candidate.path);
  return { style: candidate.style, path: candidate.path, exists: down !== undefined, drops: down === undefined ? [] : dropsOf(down), ...(down !== undefined ? { sql: down, blockers: blockersOf(down) } : {}) };
}

/** Statements of the down PostgreSQL refuses in a transaction (empty: it runs atomically); unparseable: the parse error stands in. */
function blockersOf(sql: string): string[] {
  const j = judgeTransaction(sql);
  return j.kind === 'per-statement' ? [...j.blockers] : j.kind === 'unparseable' ? [`(unparseable: ${j.message})`] : [];
}

/** Where the layout keeps the down of `path` (golang-migrate, diesel, Flyway U); undefined when it has none. */
export function downPathFor(path: string): { style: DownMigration['style']; path: string } | undefined {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const base = path.slice(dir.length);
  if (/\.up\.sql$/i.test(base)) return { style: 'golang-migrate', path: dir + base.replace(/\.up\.sql$/i, '.down.sql') };
  if (base === 'up.sql') return { style: 'diesel', path: `${dir}down.sql` };
  const flyway = /^V([\d._]+)__(.*)$/.exec(base);
  if (flyway) return { style: 'flyway-undo', path: `${dir}U${flyway[1] ?? ''}__${flyway[2] ?? ''}` };
  return undefined;
}

/** Is this file a down migration (judged only as the pair of an up, never as a migration of its own)? */
export function isDownMigration(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return /\.down\.sql$/i.test(base) || base === 'down.sql' || /^U[\d._]+__.*\.sql$/.test(base);
}

/** What a down script drops: "column orders.kyc_status", "table audit_log", "rows of orders". */
export function dropsOf(sql: string): string[] {
  const parsed = parseSql(sql);
  if (parsed.kind !== 'ok') return ['(unparseable down migration)'];
  const out: string[] = [];
  for (const s of parsed.statements) {
    const drop = as(s.node, 'DropStmt');
    if (drop && drop.removeType !== 'OBJECT_INDEX' && drop.removeType !== 'OBJECT_TRIGGER') {
      const kind = (drop.removeType ?? 'OBJECT_OBJECT').replace(/^OBJECT_/, '').toLowerCase();
      for (const o of drop.objects ?? []) out.push(`${kind} ${objectName(o)}`);
    }
    for (const a of alterCmds(s.node)) if (a.cmd.subtype === 'AT_DropColumn') out.push(`column ${a.table}.${a.cmd.name ?? '?'}`);
    const trunc = as(s.node, 'TruncateStmt');
    for (const r of trunc?.relations ?? []) out.push(`rows of ${relName(as(r, 'RangeVar'))}`);
    const del = as(s.node, 'DeleteStmt');
    if (del) out.push(`rows of ${relName(del.relation)}`);
    const en = as(s.node, 'AlterEnumStmt');
    if (en?.oldVal) out.push(`enum label ${nameOf(en.typeName)}.'${en.oldVal}'`);
  }
  return out;
}
