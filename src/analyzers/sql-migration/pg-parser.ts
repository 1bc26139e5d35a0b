/**
 * The real Postgres parser (libpg-query, WASM). Loading the module is the only async step;
 * after `loadParser()` every parse is synchronous and pure.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Node } from 'libpg-query';
import { PgWasm, type PgWasmModule } from './pg-wasm.ts';

let loading: Promise<void> | undefined;
let lib: PgWasm | undefined;
let tuneV8 = true;

/**
 * Leaves V8's flags as they were at start when the parser loads: a hot script (bin/rewind.js) has a
 * code cache, which V8 refuses under flags other than those it was written under, and setting any
 * flag at run time also makes V8 refuse Node's own code cache for every built-in module loaded after
 * it (`require('node:https')` ~4 -> ~14 ms, issue 19).
 */
export function keepV8Flags(): void {
  tuneV8 = false;
}

/**
 * libpg-query compiles and instantiates its WASM when its module is evaluated, not on
 * `loadModule()`: imported here, only on first use, so a command (or a plan whose window changed
 * no migration) that never parses SQL never pays for it.
 */
export function loadParser(): Promise<void> {
  // NOTE: V8's optimising WASM tier (TurboFan) recompiles the parser's hot functions on the side;
  // for a CLI run that parses for well under a minute it costs more than it saves (measured on
  // `migrations lint`: 320 files 0.73 -> 0.40 s CPU and 137 -> 86 MB RSS; 20,000 statements
  // 1.55 -> 1.40 s CPU, 229 -> 202 MB). Set before the module compiles; libpg-query is the only WASM.
  if (!loading && tuneV8) setFlagsFromString('--liftoff-only');
  // NOTE: V8 doubles the young generation (up to 2 x 16 MB) as parse trees survive scavenges;
  // kept at its size from here (the growth factor is read at each growth; the maximum is fixed at
  // start, so it cannot be set here), `migrations lint` of 20,000 statements peaks at 134-138
  // instead of 148-150 MB RSS and 320 files at 77-81 instead of 83-86 MB, CPU unchanged (3 runs each).
  if (!loading && tuneV8) setFlagsFromString('--semi-space-growth-factor=1');
  // The package's Emscripten module itself, not its index: see pg-wasm.ts.
  // NOTE: required, not imported: it is CommonJS, and Node's ESM loader runs its CommonJS lexer
  // over the 60 KB of glue (first starting the lexer's own WASM) before the CommonJS loader
  // compiles it anyway. A fresh process, module ready to parse: ~13 -> ~3 ms to load, ~55 -> ~25 ms CPU.
  loading ??= Promise.resolve().then(async () => {
    const factory = createRequire(import.meta.url)('libpg-query/wasm/libpg-query.js') as () => Promise<unknown>;
    lib = new PgWasm((await factory()) as PgWasmModule);
  });
  return loading;
}

export function parserReady(): boolean {
  return lib !== undefined;
}

function loaded(): PgWasm {
  if (!lib) throw new Error('WASM module not initialized. Call `loadParser()` first.');
  return lib;
}

export interface RawStatement {
  readonly node: Node;
  /** UTF-8 byte offsets into the parsed text; `end` undefined means "to the end". */
  readonly start: number;
  readonly end: number | undefined;
  /** What to add to a location inside `node` to make it an offset in the text: the byte offset of the piece it was parsed from (negative: of the text in a joined parse). */
  readonly base: number;
}

export type SqlParse =
  | { readonly kind: 'ok'; readonly statements: readonly RawStatement[] }
  | { readonly kind: 'error'; readonly message: string; readonly byteOffset: number | undefined };

export function parseSql(text: string): SqlParse {
  return parseAt(text, 0);
}

/** parseSql with every offset shifted by `base`, the byte offset of `text` in a larger text. */
function parseAt(text: string, base: number): { readonly kind: 'ok'; readonly statements: RawStatement[] } | Extract<SqlParse, { kind: 'error' }> {
  // NOTE: libpg-query throws "Query cannot be empty" for "", but "-- x" parses to no statements.
  // Whitespace only is what trim() empties (\s is its set), found without trim's copy of the text.
  if (!/\S/.test(text)) return { kind: 'ok', statements: [] };
  let res;
  try {
    res = loaded().parse(text);
  } catch (e) {
    return { kind: 'error', ...sqlError(e) };
  }
  // NOTE: one object per statement, made at its final offsets (no per-statement array of a
  // flatMap, no second copy per piece): every statement of a large file comes through here.
  const statements: RawStatement[] = [];
  for (const s of res.stmts ?? []) {
    if (!s.stmt) continue;
    const start = s.stmt_location ?? 0;
    statements.push({ node: s.stmt, start: start + base, end: s.stmt_len === undefined ? undefined : start + s.stmt_len + base, base });
  }
  return { kind: 'ok', statements };
}

/**
 * `texts.map(parseSql)` in one parser call when it can: the statements a PL/pgSQL body runs come
 * back from its parse as separate texts, and each call pays the crossing into WASM, the copy in and
 * the JSON out. The texts are joined with "\n;\n" (a newline ends a `--` comment; Postgres drops
 * the empty statements between two `;`, and a length once set by a `;` stays: gram.y
 * updateRawStmtEnd). Offsets are each text's own, as parseSql gives them. When the joined text
 * does not parse, or one statement spans two texts (an unterminated quote in an EXECUTE'd
 * literal), every text is parsed alone, so each keeps its own result or error.
 */
export function parseSqlEach(texts: readonly string[]): SqlParse[] {
  if (texts.length < 2) return texts.map(parseSql);
  return parseSqlJoined(texts) ?? texts.map(parseSql);
}

/** parseSqlEach's one call: undefined when the joined text does not parse or a statement spans two texts. */
export function parseSqlJoined(texts: readonly string[]): { readonly kind: 'ok'; readonly statements: readonly RawStatement[] }[] | undefined {
  const starts: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const t of texts) {
    const bytes = /[\x80-\uffff]/.test(t) ? Buffer.byteLength(t, 'utf8') : t.length;
    starts.push(at);
    lengths.push(bytes);
    at += bytes + 3;
  }
  const joined = parseSql(texts.join('\n;\n') + '\n;\n');
  if (joined.kind === 'error') return undefined;
  const out: RawStatement[][] = texts.map(() => []);
  let i = 0;
  for (const s of joined.statements) {
    // A statement after a separator starts just past its `;` (gram.y: @2 + 1), the "\n" before the text.
    while (i + 1 < texts.length && s.start >= (starts[i + 1] ?? 0) - 1) i++;
    const from = starts[i] ?? 0;
    const len = lengths[i] ?? 0;
    // Ends at its own `;` inside the text, or at the separator's (from + len + 1); else it spans texts.
    if (s.end === undefined || s.end > from + len + 1 || s.start < from - 1) return undefined;
    // Locations inside the node are the joined text's: base (negative) takes them to this text's.
    out[i]?.push({ node: s.node, start: Math.max(0, s.start - from), end: s.end - from > len ? undefined : s.end - from, base: s.base - from });
  }
  return out.map((statements) => ({ kind: 'ok' as const, statements }));
}

/**
 * Parses `text` a piece at a time, so a large file's parse tree (its JSON, the objects, the WASM
 * heap it grows) is never held whole: pieces of about `pieceChars` characters, each cut just after
 * a `;` that a light scan (sqlPieceEnd) finds outside quotes and comments. Offsets are the whole
 * text's. Yields `undefined` and stops when a piece does not parse or its cut was not a statement
 * end (a `;` inside BEGIN ATOMIC or a rule's action list): the caller then parses the text whole,
 * which gives the same statements or the parser's own error for the whole text.
 */
export function* parseSqlPieces(text: string, pieceChars = 16 * 1024): Generator<RawStatement[] | undefined> {
  // NOTE: 16 KB, not 64: a piece's tree is alive while its statements are judged, and V8's young
  // generation (kept at its starting size by loadParser) promotes whatever survives a scavenge to the
  // old generation. `migrations lint` of 20,000 statements as a process, 11 runs each interleaved:
  // 138 -> 122 MB peak RSS (median), scavenges promoting 54 -> 35 MB, CPU 1.36 s both (8 KB: 121
  // MB, 24 MB promoted, CPU within noise as a process and in-process).
  const ascii = !/[\x80-\uffff]/.test(text);
  let from = 0;
  let base = 0;
  while (from < text.length) {
    const cut = sqlPieceEnd(text, from, pieceChars);
    const piece = text.slice(from, cut);
    const bytes = ascii ? piece.length : Buffer.byteLength(piece, 'utf8');
    const parsed = parseAt(piece, base);
    if (parsed.kind === 'error') {
      yield undefined;
      return;
    }
    const last = parsed.statements.at(-1);
    // The parser must agree that the `;` at the cut ends a statement; else the cut was wrong.
    if (cut < text.length && (last?.end === undefined || last.end !== base + bytes - 1)) {
      yield undefined;
      return;
    }
    yield parsed.statements;
    from = cut;
    base += bytes;
  }
}

/**
 * String index just after the first `;` at or past `from + size` that is outside quotes and
 * comments, following Postgres's lexer (src/backend/parser/scan.l: '' and "" doubling, E'' with
 * backslash escapes, $tag$ quoting, nested block comments); `text.length` when there is none.
 * Only a hint: the parser confirms each cut (parseSqlPieces).
 */
export function sqlPieceEnd(text: string, from: number, size: number): number {
  const n = text.length;
  if (n - from <= size) return n;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 59 /* ; */) {
      if (i - from >= size) return i + 1;
      i++;
    } else if (c === 45 /* - */ && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) depth++;
        else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) depth--;
        else {
          i++;
          continue;
        }
        i += 2;
      }
    } else if (c === 39 /* ' */ || c === 34 /* " */) {
      const p = text.charCodeAt(i - 1);
      const escapes = c === 39 && (p === 69 || p === 101) && !isIdent(text.charCodeAt(i - 2));
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (escapes && d === 92 /* \ */) i += 2;
        else if (d === c) {
          if (text.charCodeAt(i + 1) === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === 36 /* $ */ && !isIdent(text.charCodeAt(i - 1))) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (!tag) i++;
      else {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
      }
    } else i++;
  }
  return n;
}

function isIdent(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
}

export type PlpgsqlParse = { readonly kind: 'ok'; readonly functions: readonly unknown[] } | { readonly kind: 'error'; readonly message: string };

/** Parses the PL/pgSQL bodies of one DO or CREATE FUNCTION statement (its full text). */
export function parsePlpgsql(statementText: string): PlpgsqlParse {
  try {
    const res = loaded().parsePlpgsql(statementText) as { plpgsql_funcs?: unknown[] };
    return { kind: 'ok', functions: res.plpgsql_funcs ?? [] };
  } catch (e) {
    return { kind: 'error', message: sqlError(e).message };
  }
}

function sqlError(e: unknown): { message: string; byteOffset: number | undefined } {
  const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
  return { message: err.message ?? String(e), byteOffset: err.sqlDetails?.cursorPosition };
}
