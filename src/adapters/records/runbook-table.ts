/**
 * The seed runbook's "When this runbook last worked" table: `| Date | App | Region | Resolved by |
 * Notes |`, newest first, under a heading of that name. Pure text in, text out.
 */
export interface RunbookRow {
  readonly date: string;
  readonly app: string;
  readonly region: string;
  readonly resolvedBy: string;
  readonly notes: string;
}

export const LAST_WORKED_HEADING = 'When this runbook last worked';
const HEADER = '| Date | App | Region | Resolved by | Notes |';
const RULE = '|---|---|---|---|---|';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
const splitRow = (line: string) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

/** Where the table is: the heading's line, and the header, rule and data lines after it. */
function locate(lines: readonly string[]): { heading: number; header: number; end: number } | undefined {
  const heading = lines.findIndex((l) => l.replace(/[#¶*_]/g, '').trim().toLowerCase() === LAST_WORKED_HEADING.toLowerCase());
  if (heading === -1) return undefined;
  let header = heading + 1;
  while (header < lines.length && lines[header]?.trim() === '') header++;
  if (!lines[header]?.trim().startsWith('|')) return { heading, header: -1, end: heading + 1 };
  let end = header + 1;
  while (end < lines.length && lines[end]?.trim().startsWith('|')) end++;
  return { heading, header, end };
}

/** The table's rows, newest first as written; empty when there is no table. */
export function lastWorkedRows(markdown: string): readonly RunbookRow[] {
  const lines = markdown.split('\n');
  const at = locate(lines);
  if (!at || at.header === -1) return [];
  return lines
    .slice(at.header + 2, at.end)
    .map(splitRow)
    .filter((c) => c.length >= 5)
    .map(([date = '', app = '', region = '', resolvedBy = '', ...notes]) => ({ date, app, region, resolvedBy, notes: notes.join(' | ') }));
}

/**
 * The markdown with `row` as the table's first data row (the seed's tables are newest first);
 * the heading and table are appended when the file has none.
 *
 * ### Examples
 * ```ts
 * addLastWorkedRow('# Runbook\n', { date: '2026-05-20', app: 'a', region: 'us-east', resolvedBy: 'rewind', notes: 'n' });
 * // '# Runbook\n\n## When this runbook last worked\n\n| Date | App | ... |\n|---|...|\n| 2026-05-20 | a | us-east | rewind | n |\n'
 * ```
 */
export function addLastWorkedRow(markdown: string, row: RunbookRow): string {
  const line = `| ${[row.date, row.app, row.region, row.resolvedBy, row.notes].map(cell).join(' | ')} |`;
  const lines = markdown.split('\n');
  const at = locate(lines);
  if (!at) {
    const body = markdown.endsWith('\n') || markdown === '' ? markdown : `${markdown}\n`;
    return `${body}\n## ${LAST_WORKED_HEADING}\n\n${HEADER}\n${RULE}\n${line}\n`;
  }
  if (at.header === -1) return [...lines.slice(0, at.heading + 1), '', HEADER, RULE, line, ...lines.slice(at.heading + 1)].join('\n');
  return [...lines.slice(0, at.header + 2), line, ...lines.slice(at.header + 2)].join('\n');
}
