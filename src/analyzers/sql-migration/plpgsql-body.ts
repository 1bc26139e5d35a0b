/**
 * Statements inside DO blocks and function bodies, with their position in the file.
 * PL/pgSQL reports line numbers relative to the body; this maps them back so findings
 * inside bodies point at the file's own line and column.
 */
import type { Node } from 'libpg-query';
import { as, nameOf } from './pg-ast.ts';
import { parsePlpgsql, parseSql } from './pg-parser.ts';

export type BodyItem =
  /** SQL text that runs, starting at string index `index` of the file. */
  | { readonly kind: 'sql'; readonly sql: string; readonly index: number }
  | { readonly kind: 'unresolved'; readonly index: number; readonly text: string; readonly reason: string };

export interface Body {
  readonly language: string;
  /** String index in the file of the body's first character (after the opening quote). */
  readonly index: number;
  readonly text: string;
  readonly functionName: string | undefined;
}

/** The code body of a DO or CREATE FUNCTION, located in the file; undefined for other statements. */
export function findBody(stmt: Node, file: string, stmtIndex: number, charIndex: (byte: number) => number): Body | undefined {
  const doStmt = as(stmt, 'DoStmt');
  const fn = as(stmt, 'CreateFunctionStmt');
  const opts = doStmt?.args ?? fn?.options;
  if (!opts) return undefined;
  let language = doStmt ? 'plpgsql' : 'sql';
  let text: string | undefined;
  let loc: number | undefined;
  for (const o of opts) {
    const d = as(o, 'DefElem');
    if (d?.defname === 'language') language = (as(d.arg, 'String')?.sval ?? language).toLowerCase();
    if (d?.defname === 'as') {
      text = as(d.arg, 'String')?.sval ?? as(as(d.arg, 'List')?.items?.[0], 'String')?.sval;
      loc = d.location;
    }
  }
  if (text === undefined) return undefined; // BEGIN ATOMIC bodies are part of the statement's own AST
  const from = loc === undefined || loc < 0 ? stmtIndex : charIndex(loc);
  const quote = /\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$|[eE]?'/g;
  quote.lastIndex = Math.max(from, stmtIndex);
  const m = quote.exec(file);
  let index = m ? m.index + m[0].length : stmtIndex;
  // A dollar-quoted body is verbatim; a quoted one may differ ('' for '), so search for it instead.
  if (file.slice(index, index + text.length) !== text) {
    const found = file.indexOf(text, stmtIndex);
    if (found >= 0) index = found;
  }
  return { language, index, text, functionName: fn ? nameOf(fn.funcname) : undefined };
}

/** The statements a body runs, in order. `statementText` is the whole DO / CREATE FUNCTION. */
export function bodyItems(body: Body, statementText: string): readonly BodyItem[] {
  if (body.language === 'sql') {
    const parsed = parseSql(body.text);
    if (parsed.kind === 'error') return [{ kind: 'unresolved', index: body.index, text: body.text, reason: `the SQL body does not parse: ${parsed.message}` }];
    const bytes = Buffer.from(body.text, 'utf8');
    return parsed.statements.map((s) => {
      const start = bytes.subarray(0, s.start).toString('utf8').length;
      const end = s.end === undefined ? body.text.length : bytes.subarray(0, s.end).toString('utf8').length;
      const lead = body.text.slice(start, end).search(/\S/);
      return { kind: 'sql', sql: body.text.slice(start, end), index: body.index + start + Math.max(lead, 0) };
    });
  }
  if (body.language !== 'plpgsql') {
    return [{ kind: 'unresolved', index: body.index, text: body.text, reason: `the body is in ${body.language}, which rewind does not read` }];
  }
  const parsed = parsePlpgsql(statementText);
  if (parsed.kind === 'error') return [{ kind: 'unresolved', index: body.index, text: body.text, reason: `the PL/pgSQL body does not parse: ${parsed.message}` }];
  const lineStarts = [0];
  for (let i = body.text.indexOf('\n'); i >= 0; i = body.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const items: BodyItem[] = [];
  const locate = (lineno: number | undefined, needle: string): number => {
    const lineStart = lineStarts[Math.max(0, (lineno ?? 1) - 1)] ?? 0;
    const probe = needle.slice(0, 40);
    const at = probe ? body.text.indexOf(probe, lineStart) : -1;
    if (at >= 0) return body.index + at;
    const firstNonSpace = body.text.slice(lineStart).search(/\S/);
    return body.index + lineStart + Math.max(firstNonSpace, 0);
  };
  visitPlpgsql(parsed.functions[0], (kind, value) => {
    const lineno = typeof value['lineno'] === 'number' ? value['lineno'] : undefined;
    const q = exprQuery(value[kind === 'PLpgSQL_stmt_execsql' ? 'sqlstmt' : kind === 'PLpgSQL_stmt_dynexecute' ? 'query' : 'expr']);
    if (kind === 'PLpgSQL_stmt_execsql' || kind === 'PLpgSQL_stmt_call') {
      if (q) items.push({ kind: 'sql', sql: q, index: locate(lineno, q) });
    } else if (kind === 'PLpgSQL_stmt_perform') {
      // PL/pgSQL rewrites PERFORM x into SELECT x; the file says PERFORM.
      if (q) items.push({ kind: 'sql', sql: q, index: locate(lineno, q.replace(/^SELECT\s+/i, '')) });
    } else if (kind === 'PLpgSQL_stmt_dynexecute') {
      const literal = q === undefined ? undefined : stringConstant(q);
      const at = locate(lineno, q ?? '');
      if (literal !== undefined) items.push({ kind: 'sql', sql: literal, index: q?.startsWith("'") ? at + 1 : at });
      else items.push({ kind: 'unresolved', index: locate(lineno, 'EXECUTE'), text: `EXECUTE ${q ?? ''}`, reason: 'EXECUTE of a computed string: rewind cannot see the statement it runs' });
    } else if (kind === 'PLpgSQL_stmt_dynfors') {
      items.push({ kind: 'unresolved', index: locate(lineno, 'FOR'), text: `FOR ... IN EXECUTE ${q ?? ''}`, reason: 'FOR ... IN EXECUTE of a computed string' });
    }
  });
  return items.sort((a, b) => a.index - b.index);
}

const executable = new Set(['PLpgSQL_stmt_execsql', 'PLpgSQL_stmt_call', 'PLpgSQL_stmt_perform', 'PLpgSQL_stmt_dynexecute', 'PLpgSQL_stmt_dynfors']);

function visitPlpgsql(node: unknown, visit: (kind: string, value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) visitPlpgsql(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // NOTE: for-in, not Object.entries: no [key, value] arrays for every object of the tree (JSON: own keys only).
  for (const k in node) {
    if (k === 'PLpgSQL_expr' || k === 'datums') continue; // expressions hold no statements; datums are declarations
    const v = (node as Record<string, unknown>)[k];
    if (executable.has(k) && v && typeof v === 'object') visit(k, v as Record<string, unknown>);
    visitPlpgsql(v, visit);
  }
}

function exprQuery(expr: unknown): string | undefined {
  const e = (expr as { PLpgSQL_expr?: { query?: unknown } } | undefined)?.PLpgSQL_expr;
  return typeof e?.query === 'string' ? e.query : undefined;
}

/** The value of an expression that is a single string constant ('...', E'...', $$...$$), else undefined. */
function stringConstant(expr: string): string | undefined {
  const parsed = parseSql(`SELECT ${expr}`);
  if (parsed.kind !== 'ok' || parsed.statements.length !== 1) return undefined;
  const sel = as(parsed.statements[0]?.node, 'SelectStmt');
  const target = sel?.targetList?.length === 1 ? as(sel.targetList[0], 'ResTarget') : undefined;
  const c = as(target?.val, 'A_Const');
  return c?.sval?.sval;
}
