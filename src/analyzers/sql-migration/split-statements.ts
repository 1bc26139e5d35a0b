import { as, walk } from './pg-ast.ts';
import { parseSql } from './pg-parser.ts';
import { splitSections } from './migration-sections.ts';
import { SourceText, skipTrivia } from './source-text.ts';

export interface SplitStatement {
  readonly sql: string;
  readonly line: number;
  readonly column: number;
  /** From a `-- name: ...` comment right before the statement (sqlc/yesql style). */
  readonly label: string | undefined;
  /** Uses $1-style parameters, so it can be prepared but not run as is. */
  readonly hasParams: boolean;
}

export type SplitResult =
  | { readonly kind: 'ok'; readonly statements: readonly SplitStatement[] }
  | { readonly kind: 'error'; readonly message: string; readonly line: number; readonly column: number };

/**
 * Splits SQL into statements with the real parser (so `;` inside strings, dollar quotes and
 * function bodies is not a separator). Only the up section of dbmate/goose files is kept.
 */
export function splitStatements(content: string): SplitResult {
  const text = splitSections(content).up;
  const src = new SourceText(text);
  const parsed = parseSql(text);
  if (parsed.kind === 'error') {
    const at = src.position(parsed.byteOffset === undefined ? 0 : src.charIndex(parsed.byteOffset));
    return { kind: 'error', message: parsed.message, line: at.line, column: at.column };
  }
  let prevEnd = 0;
  const statements = parsed.statements.map((s) => {
    const start = skipTrivia(text, src.charIndex(s.start));
    const end = s.end === undefined ? text.length : src.charIndex(s.end);
    const gap = text.slice(prevEnd, start);
    prevEnd = end;
    const labels = [...gap.matchAll(/--\s*name:\s*(.+)$/gm)];
    let hasParams = false;
    walk(s.node, (n) => {
      if (as(n, 'ParamRef')) hasParams = true;
    });
    const at = src.position(start);
    return { sql: text.slice(start, end).trim(), line: at.line, column: at.column, label: labels.at(-1)?.[1]?.trim(), hasParams };
  });
  return { kind: 'ok', statements };
}
