/**
 * An Application's JSON read as it arrives, its `status.history` parsed a piece at a time.
 *
 * Argo CD keeps up to `revisionHistoryLimit` entries, and an app whose limit was raised carries
 * thousands (issue 19's bench: 10,001 entries, 2.9 MB). Read whole, that text and its parsed tree
 * were alive together while the tree was normalised, and the young generation grew to hold them:
 * +16 MB of a plan's peak RSS. Here the history's whole entries are parsed and normalised a piece
 * at a time as they arrive (whatever has, once `PIECE` characters have), so neither the text nor
 * the tree of more than a piece is ever alive; the rest of the object is parsed once at the end.
 *
 * Where a piece ends is found by parsing, never guessed: a cut is tried at a `}` followed by
 * `,{`, and taken only if `[` + the text up to it + `]` parses, which it does only at a boundary
 * between whole entries (a cut inside a string or a nested array leaves the text unbalanced).
 * The `"history":[` found must likewise be the status's own: the text before it, closed as
 * `"history":0}}`, must parse with `status.history` 0, so a key of that name in a Helm
 * `valuesObject` or an annotation's text is passed over. Malformed JSON fails in the final parse,
 * as `JSON.parse` of the whole text would.
 */
import type { HistoryEntry } from '../../core/domain.ts';
import { HistoryBuilder } from './argocd-history.ts';

/** What the reader gives back: the object without its history's entries, and those entries. */
export interface ApplicationBody {
  /** The Application's JSON; `status.history` holds only the entries of the last piece. */
  readonly json: unknown;
  /** `status.history` normalised, all pieces included; undefined when the app has none. */
  readonly history: readonly HistoryEntry[] | undefined;
}

export interface BodyReader<T> {
  write(chunk: string): void;
  end(): T;
}

/** Characters of history text at least per piece: enough that a parse call's cost is spread thin. */
const PIECE = 32 * 1024;
const HISTORY_KEY = /"history"\s*:\s*\[/g;
/** At a `}`: the `,{` that starts the next entry (whitespace allowed, as in indented JSON). */
const CUT_AT = /\}\s*,\s*\{/y;
/** Text searched again with each chunk, for a key split between chunks (with indentation). */
const OVERLAP = 256;
/** Cuts tried (each a parse) before waiting for more text; then not before the text doubled. */
const TRIES = 8;

// NOTE: chunks are kept as they come and joined once a piece has arrived: a string grown chunk by
// chunk and searched after each is copied whole at every search, and a large head (an app with
// many resources lists them before its history) was searched again from its start each time.
export function createApplicationBodyReader(piece = PIECE): BodyReader<ApplicationBody> {
  /** Chunks before the history's `[` while the key is not found. */
  const headChunks: string[] = [];
  let headLength = 0;
  let headTail = '';
  const rejected = new Set<number>();
  /** Text before the history's `[`, once found. */
  let head: string | undefined;
  /** History text after the `[` not yet parsed, as chunks: it starts at an entry's `{` (or the `]`). */
  const rest: string[] = [];
  let restLength = 0;
  let nextTry = piece;
  const history = new HistoryBuilder();
  let pieces = 0;

  const findKey = (chunk: string): void => {
    const searched = headTail + chunk;
    const offset = headLength - headTail.length;
    headChunks.push(chunk);
    headLength += chunk.length;
    HISTORY_KEY.lastIndex = 0;
    for (let m = HISTORY_KEY.exec(searched); m; m = HISTORY_KEY.exec(searched)) {
      const at = offset + m.index;
      if (rejected.has(at)) continue;
      const text = joined(headChunks);
      if (isStatusHistory(text.slice(0, at))) {
        head = text.slice(0, at + m[0].length - 1);
        const after = text.slice(at + m[0].length);
        headChunks.length = 0;
        if (after) add(after);
        return;
      }
      rejected.add(at);
    }
    headTail = searched.slice(-OVERLAP);
  };

  const add = (text: string): void => {
    rest.push(text);
    restLength += text.length;
    if (restLength >= nextTry) takePiece();
  };

  /** Parses the longest run of whole entries that has arrived; the rest waits for more text. */
  const takePiece = (): void => {
    const text = joined(rest);
    let failed = 0;
    for (let close = text.lastIndexOf('}'); close >= 0 && failed < TRIES; close = text.lastIndexOf('}', close - 1)) {
      CUT_AT.lastIndex = close;
      if (!CUT_AT.test(text)) continue;
      const entries = parseArray(text.slice(0, close + 1));
      if (entries === undefined) {
        failed++;
        continue;
      }
      history.add(entries);
      pieces++;
      const next = text.slice(CUT_AT.lastIndex - 1);
      rest.length = 0;
      rest.push(next);
      restLength = next.length;
      nextTry = restLength + piece;
      return;
    }
    // No cut that parses (an entry longer than a piece, strings full of braces): try again once
    // twice the text has arrived, so a body without one is still read in linear time.
    nextTry = restLength * 2;
  };

  return {
    write(chunk) {
      if (head === undefined) findKey(chunk);
      else add(chunk);
    },
    end() {
      if (head === undefined) {
        const text = joined(headChunks);
        return { json: text === '' ? {} : (JSON.parse(text) as unknown), history: undefined };
      }
      const json: unknown = JSON.parse(`${head}[${joined(rest)}`);
      const last = statusHistory(json);
      if (Array.isArray(last)) history.add(last);
      else if (pieces === 0) return { json, history: undefined };
      return { json, history: history.done() };
    },
  };
}

/** The chunks as one string, kept as the only chunk. */
function joined(chunks: string[]): string {
  if (chunks.length === 1) return chunks[0]!;
  const text = chunks.join('');
  chunks.length = 0;
  chunks.push(text);
  return text;
}

function parseArray(text: string): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(`[${text}]`);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `"history":` after this text is the key of the top-level object's `status`. */
function isStatusHistory(before: string): boolean {
  try {
    return statusHistory(JSON.parse(`${before}"history":0}}`)) === 0;
  } catch {
    return false;
  }
}

function statusHistory(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return undefined;
  const status = (json as Record<string, unknown>)['status'];
  return typeof status === 'object' && status !== null ? (status as Record<string, unknown>)['history'] : undefined;
}
