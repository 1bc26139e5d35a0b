import { stringify as toYaml } from 'yaml';
import { UsageError } from '../core/errors.ts';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function parseOutputFormat(value: string | undefined, fallback: OutputFormat = 'table'): OutputFormat {
  if (value === undefined) return fallback;
  if (value === 'table' || value === 'json' || value === 'yaml') return value;
  if (value === 'text') return 'table';
  throw new UsageError(`--output must be json, yaml or table, not "${value}"`);
}

/** Serialises a document for machines; tables are the command's own business. */
export function renderDocument(format: 'json' | 'yaml', doc: unknown): string {
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
}

/** Aligned columns, header first; cells are plain strings (colour is added after padding). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
