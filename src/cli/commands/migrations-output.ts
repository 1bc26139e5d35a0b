/** Shared CLI glue of the `migrations` commands: format flags, size cap, rendering. */
import { flagString, type CommandContext } from '../command.ts';
import { paint } from '../io.ts';
import { UsageError } from '../../core/errors.ts';
import { toJson, toSarif, toText, type Verdict, type WindowReport } from '../../app/migration-analysis.ts';
import { stringify as toYaml } from 'yaml';

export type MigrationFormat = 'text' | 'json' | 'yaml' | 'sarif';

/** `--format`, or the global `--output`/`-o` as its synonym; `table` means text. */
export function migrationFormat(ctx: CommandContext, allowSarif = true): MigrationFormat {
  const v = flagString(ctx, 'format') ?? ctx.global.output;
  if (v === undefined || v === 'text' || v === 'table') return 'text';
  if (v === 'json' || v === 'yaml' || (allowSarif && v === 'sarif')) return v;
  throw new UsageError(`--format must be text, json${allowSarif ? ', sarif' : ''} or yaml, not "${v}"`);
}

/** `--max-bytes N` (also 512k, 4m); default 4 MiB. */
export function maxBytesFlag(ctx: CommandContext, fallback: number): number {
  const v = flagString(ctx, 'max-bytes');
  if (v === undefined) return fallback;
  const m = /^(\d+)([kKmM]?)$/.exec(v.trim());
  if (!m) throw new UsageError(`--max-bytes must be a number of bytes (e.g. 4194304 or 4m), not "${v}"`);
  const n = Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1024 : m[2]?.toLowerCase() === 'm' ? 1024 * 1024 : 1);
  if (n <= 0) throw new UsageError('--max-bytes must be positive');
  return n;
}

const colours: Readonly<Record<Verdict, 'green' | 'yellow' | 'red'>> = { safe: 'green', review: 'yellow', unsafe: 'red', error: 'red' };

/** Writes the report in `format`; `extra` adds fields to json/yaml (e.g. the revisions checked). */
export function writeReport(ctx: CommandContext, report: WindowReport, format: MigrationFormat, extra: Record<string, unknown> = {}): void {
  const out = ctx.io.stdout;
  if (format === 'sarif') out.write(`${JSON.stringify(toSarif(report), null, 2)}\n`);
  else if (format === 'json') out.write(`${JSON.stringify({ ...(toJson(report) as object), ...extra }, null, 2)}\n`);
  else if (format === 'yaml') out.write(toYaml({ ...(toJson(report) as object), ...extra }));
  else out.write(toText(report, { verdict: (v, t) => paint(ctx.io, colours[v], t), dim: (t) => paint(ctx.io, 'dim', t) }));
}
