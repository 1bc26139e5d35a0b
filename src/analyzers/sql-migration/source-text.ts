/**
 * Positions in a migration file. libpg-query reports UTF-8 byte offsets; editors and
 * SARIF want 1-based line and column in characters, so every offset goes through here.
 */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export class SourceText {
  readonly text: string;
  readonly #lineStarts: number[];
  /** char index of each byte offset; only built when the text is not pure ASCII. */
  #byteToChar: Uint32Array | undefined;
  readonly #ascii: boolean;

  constructor(text: string) {
    this.text = text;
    this.#lineStarts = [0];
    // NOTE: indexOf finds each newline with the runtime's own search, not a character at a time in JavaScript.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
    // NOTE: a regex test is far faster than a char loop for the common pure-ASCII file.
    this.#ascii = !/[\x80-\uffff]/.test(text);
  }

  /** Converts a UTF-8 byte offset of `text` (as the parser reports it) to a string index. */
  charIndex(byteOffset: number): number {
    if (this.#ascii) return byteOffset;
    if (!this.#byteToChar) this.#byteToChar = buildByteMap(this.text);
    return this.#byteToChar[Math.min(byteOffset, this.#byteToChar.length - 1)] ?? this.text.length;
  }

  /** 1-based line and column (in UTF-16 units, as editors count) of a string index. */
  position(index: number): Position {
    const lo = this.#lineIndex(index);
    return { line: lo + 1, column: index - (this.#lineStarts[lo] ?? 0) + 1 };
  }

  /** position(index).line, without the object (asked once per statement). */
  line(index: number): number {
    return this.#lineIndex(index) + 1;
  }

  #lineIndex(index: number): number {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** String index where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.#lineStarts[line - 1] ?? this.text.length;
  }

  get lineCount(): number {
    return this.#lineStarts.length;
  }
}

function buildByteMap(text: string): Uint32Array {
  const bytes = Buffer.byteLength(text, 'utf8');
  const map = new Uint32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < len; k++) map[b + k] = i;
    b += len;
    if (cp >= 0x10000) i++; // surrogate pair: two string units, one code point
  }
  map[bytes] = text.length;
  return map;
}

/** Index of the first character at or after `from` that is not whitespace or a SQL comment. */
export function skipTrivia(text: string, from: number, to = text.length): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) i++;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? to : nl + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // Postgres block comments nest.
      let depth = 1;
      i += 2;
      while (i < to && depth > 0) {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return Math.min(i, to);
}

/** A statement as shown in reports: trimmed, whitespace collapsed, capped. */
export function statementExcerpt(sql: string, max = 240): string {
  // NOTE: a long statement (a function body) needs only its head collapsed: whitespace collapsing
  // keeps a prefix a prefix, so past `max` characters the head alone gives the same excerpt.
  if (sql.length > 4 * max && /\S/.test(sql.slice(4 * max))) {
    const head = sql.slice(0, 4 * max).replace(/\s{2,}|[^\S ]/g, ' ').trimStart();
    if (head.length > max) return `${head.slice(0, max - 1)}…`;
  }
  // NOTE: only the whitespace that is not already one space is replaced (the same result as
  // /\s+/g -> ' '): a statement written on one line is not copied.
  const one = sql.replace(/\s{2,}|[^\S ]/g, ' ').trim().replace(/;$/, '');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
