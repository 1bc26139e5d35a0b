/** Shared CLI glue of the `migrations` commands: format flags, size cap, rendering. */
import { flagString, type CommandContext } from '../command.ts';
import { paint } from '../io.ts';
import { UsageError } from '../../core/errors.ts';
import { toJson, toSarif, toText, type Verdict, type WindowReport } from '../../app/migration-analysis.ts';
import type * as Yaml from 'yaml';

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
export async function writeReport(ctx: CommandContext, report: WindowReport, format: MigrationFormat, extra: Record<string, unknown> = {}): Promise<void> {
  const out = ctx.io.stdout;
  if (format === 'sarif') out.write(`${JSON.stringify(toSarif(report), null, 2)}\n`);
  else if (format === 'json') out.write(`${JSON.stringify({ ...(toJson(report) as object), ...extra }, null, 2)}\n`);
  else if (format === 'yaml') out.write(await toYaml({ ...(toJson(report) as object), ...extra }));
  else out.write(toText(report, { verdict: (v, t) => paint(ctx.io, colours[v], t), dim: (t) => paint(ctx.io, 'dim', t) }));
}

/**
 * `doc` as YAML, the library loaded only when a yaml report is asked for (260 KB bundled, ~5 ms to
 * load at every `migrations lint` start otherwise).
 */
export async function toYaml(doc: unknown): Promise<string> {
  // NOTE: the bundle (esbuild) gives the package's CommonJS build as the default export only;
  // Node's own loader (the sources through tsx) names its exports too.
  const m = (await import('yaml')) as typeof Yaml & { readonly default?: typeof Yaml };
  return (m.default ?? m).stringify(doc);
}
