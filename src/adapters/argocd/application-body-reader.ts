/**
 * An Application's JSON read as it arrives, its `status.history` parsed a piece at a time.
 *
 * Argo CD keeps up to `revisionHistoryLimit` entries, and an app whose limit was raised carries
 * thousands (issue 19's bench: 10,001 entries, 2.9 MB). Read whole, that text and its parsed tree
 * were alive together while the tree was normalised, and the young generation grew to hold them:
 * +16 MB of a plan's peak RSS. Here each piece of the history (about `PIECE` characters of whole
 * entries) is parsed and normalised as soon as it has arrived, so neither the text nor the tree of
 * more than a piece is ever alive; the rest of the object is parsed once at the end, as before.
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

/** Characters of history text per piece: big enough that a parse call's cost is spread thin. */
const PIECE = 32 * 1024;
const HISTORY_KEY = /"history"\s*:\s*\[/g;
const CUT = /\}\s*,\s*\{/g;
/** Text scanned again after each chunk, for a key or cut split between chunks (with indentation). */
const OVERLAP = 256;

export function createApplicationBodyReader(piece = PIECE): BodyReader<ApplicationBody> {
  /** Text before the history's `[` (all of it until the key is found). */
  let head = '';
  let searchFrom = 0;
  /** History text after the `[` not yet parsed: it starts at an entry's `{` (or the `]`). */
  let rest: string | undefined;
  let scanFrom = 0;
  const history = new HistoryBuilder();
  let pieces = 0;

  const findKey = (): void => {
    HISTORY_KEY.lastIndex = searchFrom;
    for (let m = HISTORY_KEY.exec(head); m; m = HISTORY_KEY.exec(head)) {
      if (isStatusHistory(head.slice(0, m.index))) {
        rest = head.slice(m.index + m[0].length);
        head = head.slice(0, m.index + m[0].length - 1);
        return;
      }
      searchFrom = HISTORY_KEY.lastIndex;
    }
    searchFrom = Math.max(searchFrom, head.length - OVERLAP);
  };

  const takePieces = (): void => {
    while (rest !== undefined && rest.length > piece) {
      CUT.lastIndex = Math.max(scanFrom, piece);
      let taken = false;
      for (let m = CUT.exec(rest); m; m = CUT.exec(rest)) {
        const entries = parseArray(rest.slice(0, m.index + 1));
        if (entries === undefined) continue;
        history.add(entries);
        pieces++;
        rest = rest.slice(m.index + m[0].length - 1);
        scanFrom = 0;
        taken = true;
        break;
      }
      if (!taken) {
        // No cut in what has arrived; the text tried so far need not be tried again.
        scanFrom = Math.max(piece, rest.length - OVERLAP);
        return;
      }
    }
  };

  return {
    write(chunk) {
      if (rest === undefined) {
        head += chunk;
        findKey();
      } else {
        rest += chunk;
      }
      takePieces();
    },
    end() {
      if (rest === undefined) return { json: head === '' ? {} : (JSON.parse(head) as unknown), history: undefined };
      const json: unknown = JSON.parse(`${head}[${rest}`);
      const last = statusHistory(json);
      if (Array.isArray(last)) history.add(last);
      else if (pieces === 0) return { json, history: undefined };
      return { json, history: history.done() };
    },
  };
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
