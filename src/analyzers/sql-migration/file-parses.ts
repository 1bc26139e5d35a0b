import type { ParsedFile } from './analyze-file.ts';
import { parseSqlEach, parseSqlJoined } from './pg-parser.ts';
import { pieceBodies } from './piece-bodies.ts';
import { splitSections } from './migration-sections.ts';
import { SourceText } from './source-text.ts';

/** The files of a window as analyzeWindowSync gets them: a text, or a reason it could not be read. */
type WindowFile = { readonly kind: 'text'; readonly content: string } | { readonly kind: 'unreadable' };

/**
 * The statements of a window's small files, parsed several files to a parser call (parseSqlJoined:
 * each file's own offsets), a batch at a time as the files are judged in order. Each parser call
 * has a fixed cost that a folder of small migrations otherwise pays per file. When a batch's join
 * does not parse (a file with an error, a string left open to the next file), its files are each
 * parsed alone by their judge, as without a batch: the batch cost one call more. The statements
 * the batch's DO and function bodies run are parsed in one call too (parseSqlEach over the batch's
 * bodies, not one call per file with a body): a folder of small migrations has a body in every
 * other file.
 *
 * A file of more than `batchChars` characters, or with a NUL, is not batched (it is parsed in pieces of that size,
 * parseSqlPieces), and a batch holds at most that many characters: a batch's trees are alive until
 * its files are judged, as a piece's are.
 */
export class FileParses {
  readonly #files: readonly WindowFile[];
  readonly #batchChars: number;
  readonly #ready = new Map<number, ParsedFile>();
  /** Index of the first file no batch has reached. */
  #next = 0;

  constructor(files: readonly WindowFile[], batchChars = 16 * 1024) {
    this.#files = files;
    this.#batchChars = batchChars;
  }

  /**
   * File `i`'s up section parsed (offsets in that text), or undefined when it was not parsed in a
   * batch, or its batch's join did not parse (the caller parses it alone).
   */
  take(i: number): ParsedFile | undefined {
    if (i >= this.#next) this.#batch(i);
    const got = this.#ready.get(i);
    this.#ready.delete(i);
    return got;
  }

  #batch(from: number): void {
    const at: number[] = [];
    const texts: string[] = [];
    let chars = 0;
    let i = from;
    for (; i < this.#files.length; i++) {
      const f = this.#files[i];
      if (f?.kind !== 'text') continue;
      // The text analyzeFile judges: the up section (the down blanked).
      const up = splitSections(f.content).up;
      // NOTE: the parser reads a C string: a NUL ends it, and every file joined after it with it.
      if (up.length > this.#batchChars || up.includes('\0')) break;
      if (texts.length > 0 && chars + up.length > this.#batchChars) break;
      at.push(i);
      texts.push(up);
      chars += up.length;
    }
    // A large file (or one with a NUL) ends the batch and is left to parseSqlPieces; the next batch starts past it.
    this.#next = Math.max(i, from + 1);
    // One file alone gains nothing from a batch: parsed as it would be without one.
    if (texts.length < 2) return;
    const joined = parseSqlJoined(texts);
    if (!joined) return;
    // Every body's statements of the batch in one parse; each file then takes its own slice.
    const found = joined.map((p, k) => {
      const src = new SourceText(texts[k] ?? '');
      return { src, bodies: pieceBodies(p.statements, src) };
    });
    const bodyParses = parseSqlEach(found.flatMap((f) => f.bodies.texts));
    let offset = 0;
    joined.forEach((p, k) => {
      const n = at[k];
      const f = found[k];
      if (n === undefined || !f) return;
      const count = f.bodies.texts.length;
      this.#ready.set(n, { src: f.src, statements: p.statements, bodies: f.bodies, bodyParses: bodyParses.slice(offset, offset + count) });
      offset += count;
    });
  }
}
