import { bodyItems, findBody, type BodyItem } from './plpgsql-body.ts';
import type { RawStatement } from './pg-parser.ts';
import { skipTrivia, type SourceText } from './source-text.ts';

/** A piece's statement that has a body: the statements it runs, and where their texts start in the piece's list. */
export interface PieceBody {
  readonly items: readonly BodyItem[];
  readonly from: number;
}

/** The bodies of a piece's statements (by the statement's slot), and the texts of the SQL they run, for one parse. */
export interface PieceBodies {
  readonly bodies: readonly (PieceBody | undefined)[];
  /** Each body item's SQL ('' for an unresolved one), in order: `from` indexes it. */
  readonly texts: readonly string[];
}

/**
 * Finds the DO / CREATE FUNCTION bodies among `piece`'s statements (offsets in `src`'s text) and
 * the statements each runs (its PL/pgSQL parse), leaving the parse of those statements to the
 * caller, which joins the texts of a whole piece, or of a batch of files, in one parser call.
 */
export function pieceBodies(piece: readonly (RawStatement | undefined)[], src: SourceText): PieceBodies {
  const text = src.text;
  // NOTE: indexed loops and a record only for a statement with a body (a few in a hundred): no
  // iterator entries, per-statement objects or empty slices for the common statement.
  const bodies: (PieceBody | undefined)[] = [];
  const texts: string[] = [];
  for (let i = 0; i < piece.length; i++) {
    const raw = piece[i];
    if (!raw) continue;
    const start = skipTrivia(text, src.charIndex(raw.start));
    const body = findBody(raw.node, text, start, (b) => src.charIndex(b + raw.base));
    if (!body) continue;
    const end = raw.end === undefined ? text.length : src.charIndex(raw.end);
    const items = bodyItems(body, text.slice(start, end));
    bodies[i] = { items, from: texts.length };
    for (const item of items) texts.push(item.kind === 'sql' ? item.sql : '');
  }
  return { bodies, texts };
}
