import type { Node } from 'libpg-query';
import { as, nameOf } from './pg-ast.ts';
import type { BodyItem } from './plpgsql-body.ts';
import { parseSql, parseSqlEach, parseSqlPieces, type RawStatement, type SqlParse } from './pg-parser.ts';
import { pieceBodies, type PieceBodies } from './piece-bodies.ts';
import type { DownMigration, FileReport, Finding, StatementSummary, SuppressedFinding } from './report-types.ts';
import { engineFindings } from './rules/engine-findings.ts';
import { unknownCalls } from './rules/called-functions.ts';
import { eachHit } from './judge-statement.ts';
import { SourceText, skipTrivia, statementExcerpt, type Position } from './source-text.ts';
import { findSuppressions, targetLine } from './suppressions.ts';
import { splitSections } from './migration-sections.ts';
import { worse, worst, type Verdict } from './verdict.ts';
import type { WindowState } from './window-state.ts';
import { checkNote } from './rollback-note.ts';
import type { RuleHit, RuleMeta } from './rule.ts';

export interface FileAnalysisOptions {
  /** --require-notes: a missing or contradicting rollback note is a finding. */
  readonly requireNotes?: boolean;
  readonly down?: DownMigration;
  /** The up section already parsed (FileParses: small files a batch to a parser call). */
  readonly parsed?: ParsedFile;
}

/**
 * A file's up section parsed with others of its batch (FileParses): its statements, their bodies,
 * and the parses of the statements those bodies run (indexed by each body's `from`).
 */
export interface ParsedFile {
  /** The file's up section (the text analyzeFile judges), with its positions. */
  readonly src: SourceText;
  readonly statements: readonly RawStatement[];
  readonly bodies: PieceBodies;
  readonly bodyParses: readonly SqlParse[];
}

interface Located {
  readonly finding: Finding;
  /** Start line of the top-level statement it belongs to (a suppression above a DO covers its body). */
  readonly topLine: number;
}

/**
 * Judges one migration file against the window so far, then records what it created.
 * Pure: the window is the only state, and it belongs to the caller.
 */
export function analyzeFile(path: string, content: string, window: WindowState, opts: FileAnalysisOptions = {}): FileReport {
  const src = opts.parsed?.src ?? new SourceText(splitSections(content).up);
  const text = src.text;
  // A piece at a time, so a large file's tree is never held whole; a piece that does not parse
  // takes the window back and the file is judged from one parse of the whole text.
  const undo = window.checkpoint();
  const batched = opts.parsed;
  let pass = batched ? judgeStatements(path, text, src, window, [[...batched.statements]], batched) : judgeStatements(path, text, src, window, parseSqlPieces(text));
  if (pass) undo.release();
  else {
    undo.rollback();
    const parsed = parseSql(text);
    if (parsed.kind === 'error') {
      const at = src.position(parsed.byteOffset === undefined ? 0 : src.charIndex(parsed.byteOffset));
      const line = (text.split('\n')[at.line - 1] ?? '').trim();
      const f = finding(engineFindings.parseError, 'error', at.line, at.column, line, `does not parse: ${parsed.message} (line ${at.line}, column ${at.column})`);
      return { path, verdict: 'error', findings: [f], suppressed: [], statements: [], down: opts.down };
    }
    pass = judgeStatements(path, text, src, window, [[...parsed.statements]]);
    if (!pass) throw new Error(`${path}: parsed whole, yet not judged`);
  }
  const { located, statements, statementLines } = pass;

  // Each suppression silences its rules on the next statement; without a reason it is not honoured.
  const targets = findSuppressions(text).map((s) => ({ s, line: targetLine(s, statementLines) }));
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const t of targets) {
    if (!t.s.reason) kept.push(finding(engineFindings.suppressionWithoutReason, 'review', t.s.line, 1, `-- rewind:ignore ${t.s.rules.join(',')}`, `suppression of ${t.s.rules.join(', ')} has no reason, so it is not honoured`));
  }
  for (const l of located) {
    const by = targets.find((t) => t.s.reason && t.line !== undefined && (t.line === l.finding.line || t.line === l.topLine) && t.s.rules.includes(l.finding.rule));
    if (by) suppressed.push({ ...l.finding, reason: by.s.reason, suppressedAt: by.s.line });
    else kept.push(l.finding);
  }
  let verdict = worst(kept.map((f) => f.verdict));
  if (opts.requireNotes) {
    const note = checkNote(text, verdict);
    if (note) {
      const meta = note.kind === 'missing' ? engineFindings.missingNote : engineFindings.contradictingNote;
      kept.push(finding(meta, 'review', note.line, 1, note.text, note.message));
      verdict = worse(verdict, 'review');
    }
  }
  kept.sort((a, b) => a.line - b.line || a.column - b.column);
  return { path, verdict, findings: kept, suppressed, statements, down: opts.down };
}

interface StatementPass {
  readonly located: Located[];
  readonly statements: StatementSummary[];
  readonly statementLines: number[];
}

/**
 * Judges the file's statements in order, piece by piece; undefined when a piece did not parse.
 * `prepared`: a batched file's one piece, its bodies found and their statements parsed with its batch's.
 */
function judgeStatements(path: string, text: string, src: SourceText, window: WindowState, pieces: Iterable<(RawStatement | undefined)[] | undefined>, prepared?: ParsedFile): StatementPass | undefined {
  const located: Located[] = [];
  const statements: StatementSummary[] = [];
  const statementLines: number[] = [];

  // NOTE: one hit visitor for the whole file, over the statement being judged (`cur`), not a closure
  // and its context allocated per statement.
  const cur: JudgedStatement = { sql: '', line: 0, column: 0, shown: undefined, findings: undefined, change: '', verdict: 'safe' };
  const onHit = (meta: RuleMeta, h: RuleHit): void => {
    const base = h.verdict ?? meta.verdict;
    if (h.change) cur.change = cur.change ? `${cur.change}, ${h.change}` : h.change;
    if (base === 'safe') return;
    const origin = h.subject ? window.origin(h.subject) : undefined;
    const shown = (cur.shown ??= statementExcerpt(cur.sql));
    const findings = (cur.findings ??= []);
    if (origin) {
      const why = `; but ${h.subject?.name ?? 'it'} was created in this window (${origin.path}:${origin.line}), so the old binary never used it`;
      findings.push(finding(meta, 'safe', cur.line, cur.column, shown, h.message + why));
      return;
    }
    cur.verdict = worse(cur.verdict, base);
    findings.push(finding(meta, base, cur.line, cur.column, shown, h.message));
  };

  /** Findings of one statement as if it runs now (window-aware); records what it creates when `record`. */
  const judge = (node: Node, index: number, sql: string, record: boolean): readonly Finding[] => {
    const at = src.position(index);
    statementLines.push(at.line);
    // NOTE: nothing allocated for the common statement that has no finding: no array until the
    // first finding, the changes joined as they come, the excerpt built on the first finding.
    startStatement(cur, sql, at);
    eachHit(node, onHit);
    let { shown, findings, verdict } = cur;
    const change = cur.change;
    // A call to a function the window defined runs its body now: judge that body at the call site.
    if (as(node, 'SelectStmt') || as(node, 'CallStmt')) {
      for (const name of unknownCalls(node)) {
        for (const inner of window.functionBody(name) ?? []) {
          verdict = worse(verdict, inner.verdict);
          shown ??= statementExcerpt(sql);
          (findings ??= []).push({ ...inner, line: at.line, column: at.column, statement: shown, message: `calls ${name}(), whose body ${inner.message} (line ${inner.line}: ${inner.statement})` });
        }
      }
    }
    if (record) {
      statements.push({ line: at.line, column: at.column, verdict, change: change || 'no change' });
      window.record(node, { path, line: at.line });
    }
    return findings ?? none;
  };

  /** Findings of the statements a body runs; `record` only for DO (a function body runs later). */
  const judgeBody = (items: readonly BodyItem[], parses: readonly (SqlParse | undefined)[], from: number, record: boolean): Finding[] => {
    const out: Finding[] = [];
    for (const [n, item] of items.entries()) {
      const at = src.position(item.index);
      if (item.kind === 'unresolved') {
        statementLines.push(at.line);
        out.push(finding(engineFindings.unresolvedBody, 'review', at.line, at.column, statementExcerpt(item.text), item.reason));
        continue;
      }
      const inner = parses[from + n] ?? parseSql(item.sql);
      if (inner.kind === 'error') {
        statementLines.push(at.line);
        out.push(finding(engineFindings.unresolvedBody, 'review', at.line, at.column, statementExcerpt(item.sql), `a statement in the body does not parse: ${inner.message}`));
        continue;
      }
      // Byte offsets are string indices in ASCII text, the common case: no line table needed.
      const innerSrc = /[\x80-\uffff]/.test(item.sql) ? new SourceText(item.sql) : undefined;
      const charIndex = (b: number): number => (innerSrc ? innerSrc.charIndex(b) : b);
      for (const s of inner.statements) {
        const st = skipTrivia(item.sql, charIndex(s.start));
        const en = s.end === undefined ? item.sql.length : charIndex(s.end);
        out.push(...judge(s.node, item.index + st, item.sql.slice(st, en), record));
      }
    }
    return out;
  };

  for (const piece of pieces) {
    if (!piece) return undefined;
    // The statements every body of the piece runs are parsed in one call (parseSqlEach): a body
    // holds a few, and each parser call has its own fixed cost. A batched file's were parsed with
    // its batch's (FileParses).
    const found = prepared?.bodies ?? pieceBodies(piece, src);
    const parses = prepared?.bodyParses ?? parseSqlEach(found.texts);
    const bodies = found.bodies;
    for (let i = 0; i < piece.length; i++) {
      const raw = piece[i];
      if (!raw) continue;
      // NOTE: a judged statement's tree is let go at once, not when the whole piece is judged: what
      // a scavenge finds alive it copies, and promotes the second time, so a piece's tree held to
      // its end was copied over and over.
      piece[i] = undefined;
      const start = skipTrivia(text, src.charIndex(raw.start));
      const end = raw.end === undefined ? text.length : src.charIndex(raw.end);
      const b = bodies[i];
      const topLine = src.line(start);
      const fn = b && as(raw.node, 'CreateFunctionStmt');
      if (b && fn) {
        // The body runs when called, not now: keep its findings for a call later in the window,
        // and report only what would be unsafe, as review.
        const name = nameOf(fn.funcname);
        const inner = judgeBody(b.items, parses, b.from, false);
        window.setFunctionBody(name, inner);
        for (const f of inner.filter((x) => x.verdict === 'unsafe')) {
          located.push({ topLine, finding: { ...f, verdict: 'review', message: `in function ${name} (runs when called, not by this migration): ${f.message}` } });
        }
      }
      for (const f of judge(raw.node, start, text.slice(start, end), true)) located.push({ finding: f, topLine });
      if (b && !fn) for (const f of judgeBody(b.items, parses, b.from, true)) located.push({ finding: f, topLine });
    }
  }
  return { located, statements, statementLines };
}

const none: readonly Finding[] = Object.freeze([]);

/** The statement judge() is on, as the hit visitor fills it in. */
interface JudgedStatement {
  sql: string;
  line: number;
  column: number;
  shown: string | undefined;
  findings: Finding[] | undefined;
  change: string;
  verdict: Verdict;
}

function startStatement(cur: JudgedStatement, sql: string, at: Position): void {
  cur.sql = sql;
  cur.line = at.line;
  cur.column = at.column;
  cur.shown = undefined;
  cur.findings = undefined;
  cur.change = '';
  cur.verdict = 'safe';
}

function finding(meta: RuleMeta, verdict: Verdict, line: number, column: number, statement: string, message: string): Finding {
  return Object.freeze({ rule: meta.id, name: meta.name, verdict, line, column, statement, message, hint: meta.hint });
}
