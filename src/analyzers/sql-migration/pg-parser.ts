/**
 * The real Postgres parser (libpg-query, WASM). Loading the module is the only async step;
 * after `loadParser()` every parse is synchronous and pure.
 */
import { setFlagsFromString } from 'node:v8';
import type * as LibPgQuery from 'libpg-query';
import type { Node } from 'libpg-query';

type Lib = typeof LibPgQuery;
let loading: Promise<void> | undefined;
let lib: Lib | undefined;

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
  if (!loading) setFlagsFromString('--liftoff-only');
  loading ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    lib = m;
  });
  return loading;
}

export function parserReady(): boolean {
  return lib !== undefined;
}

function loaded(): Lib {
  if (!lib) throw new Error('WASM module not initialized. Call `loadParser()` first.');
  return lib;
}

export interface RawStatement {
  readonly node: Node;
  /** UTF-8 byte offsets into the parsed text; `end` undefined means "to the end". */
  readonly start: number;
  readonly end: number | undefined;
}

export type SqlParse =
  | { readonly kind: 'ok'; readonly statements: readonly RawStatement[] }
  | { readonly kind: 'error'; readonly message: string; readonly byteOffset: number | undefined };

export function parseSql(text: string): SqlParse {
  // NOTE: libpg-query throws "Query cannot be empty" for "", but "-- x" parses to no statements.
  if (text.trim() === '') return { kind: 'ok', statements: [] };
  try {
    const res = loaded().parseSync(text);
    return {
      kind: 'ok',
      statements: (res.stmts ?? []).flatMap((s) =>
        s.stmt ? [{ node: s.stmt, start: s.stmt_location ?? 0, end: s.stmt_len === undefined ? undefined : (s.stmt_location ?? 0) + s.stmt_len }] : [],
      ),
    };
  } catch (e) {
    return { kind: 'error', ...sqlError(e) };
  }
}

export type PlpgsqlParse = { readonly kind: 'ok'; readonly functions: readonly unknown[] } | { readonly kind: 'error'; readonly message: string };

/** Parses the PL/pgSQL bodies of one DO or CREATE FUNCTION statement (its full text). */
export function parsePlpgsql(statementText: string): PlpgsqlParse {
  try {
    const res = loaded().parsePlPgSQLSync(statementText) as unknown as { plpgsql_funcs?: unknown[] };
    return { kind: 'ok', functions: res.plpgsql_funcs ?? [] };
  } catch (e) {
    return { kind: 'error', message: sqlError(e).message };
  }
}

function sqlError(e: unknown): { message: string; byteOffset: number | undefined } {
  const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
  return { message: err.message ?? String(e), byteOffset: err.sqlDetails?.cursorPosition };
}
