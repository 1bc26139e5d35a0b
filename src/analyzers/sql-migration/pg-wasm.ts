/**
 * libpg-query's WASM parser reached through its own C entry points (`wasm_parse_query_raw`,
 * `wasm_parse_plpgsql`), the same functions the package's `parseSync` / `parsePlPgSQLSync` call,
 * with the text copied in and the JSON read out by the runtime's native UTF-8 codec.
 *
 * Why not the package's wrappers: they copy the text into WASM memory a character at a time and
 * find the end of the result a byte at a time in JavaScript, which in a short CLI run is mostly
 * cold code (20,000 statements: ~230 -> ~197 ms CPU to parse in a fresh process), and importing
 * the package's index also loads its type re-exports. The trees are the same JSON, parsed by the
 * same `JSON.parse`; errors carry the same message and cursor position.
 */
import type { ParseResult } from 'libpg-query';

/** The parts of the Emscripten module (libpg-query/wasm/libpg-query.js) used here. */
export interface PgWasmModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(queryPtr: number): number;
  _wasm_free_parse_result(resultPtr: number): void;
  _wasm_parse_plpgsql(queryPtr: number): number;
  _wasm_free_string(ptr: number): void;
  getValue(ptr: number, type: 'i32'): number;
}

/** A parse error as libpg-query's `SqlError` reports it: `cursorPosition` 0-based. */
export class PgParseError extends Error {
  readonly sqlDetails: { readonly cursorPosition: number };
  constructor(message: string, cursorPosition: number) {
    super(message);
    this.sqlDetails = { cursorPosition };
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PgWasm {
  readonly #m: PgWasmModule;
  constructor(m: PgWasmModule) {
    this.#m = m;
  }

  /** As libpg-query's `parseSync`: the parse tree, or a PgParseError. */
  parse(text: string): ParseResult {
    const m = this.#m;
    const q = this.#copyIn(text);
    let res = 0;
    try {
      res = m._wasm_parse_query_raw(q);
      if (!res) throw new Error('Failed to parse query: memory allocation failed');
      // PgQueryParseResult: { char *parse_tree; char *stderr_buffer; PgQueryError *error }
      const tree = m.getValue(res, 'i32');
      const err = m.getValue(res + 8, 'i32');
      if (err) {
        // PgQueryError: { char *message; char *funcname; char *filename; int lineno; int cursorpos }
        const msg = m.getValue(err, 'i32');
        const cursor = m.getValue(err + 16, 'i32');
        throw new PgParseError(msg ? this.#read(msg) : 'Unknown error', cursor > 0 ? cursor - 1 : 0);
      }
      if (!tree) throw new Error('No parse tree generated');
      return JSON.parse(this.#read(tree)) as ParseResult;
    } finally {
      m._free(q);
      if (res) m._wasm_free_parse_result(res);
    }
  }

  /** As libpg-query's `parsePlPgSQLSync`: the functions' JSON, or an Error with the parser's message. */
  parsePlpgsql(text: string): unknown {
    const m = this.#m;
    const q = this.#copyIn(text);
    let res = 0;
    try {
      res = m._wasm_parse_plpgsql(q);
      const out = res ? this.#read(res) : '';
      // Success is a JSON object; anything else is the error message.
      if (!out.startsWith('{')) throw new Error(out);
      return JSON.parse(out) as unknown;
    } finally {
      m._free(q);
      if (res) m._wasm_free_string(res);
    }
  }

  /** `text` as a NUL-terminated UTF-8 string in WASM memory (the caller frees it). */
  #copyIn(text: string): number {
    const m = this.#m;
    // NOTE: the text of a file decoded from UTF-8 holds no lone surrogate, the only input on which
    // TextEncoder (U+FFFD) and the package's own encoder differ.
    const bytes = Buffer.byteLength(text, 'utf8');
    const ptr = m._malloc(bytes + 1);
    if (!ptr) throw new Error('Failed to parse query: memory allocation failed');
    const heap = m.HEAPU8;
    encoder.encodeInto(text, heap.subarray(ptr, ptr + bytes));
    heap[ptr + bytes] = 0;
    return ptr;
  }

  /** The NUL-terminated UTF-8 string at `ptr`. */
  #read(ptr: number): string {
    // Read the view after the call: WASM memory may have grown, which replaces HEAPU8.
    const heap = this.#m.HEAPU8;
    const end = heap.indexOf(0, ptr);
    return decoder.decode(heap.subarray(ptr, end < 0 ? heap.length : end));
  }
}
