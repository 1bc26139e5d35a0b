import type { CommandContext } from '../command.ts';
import { UsageError } from '../../core/errors.ts';
import { analyzeWindow, renderNote } from '../../app/migration-analysis.ts';
import { defaultMaxBytes, readMigrationPaths } from '../../app/migration-files.ts';
import { migrationFormat, toYaml } from './migrations-output.ts';

/** `rewind migrations note FILE`: the Milestone 5 rollback note, filled from the analysis. */
export async function run(ctx: CommandContext): Promise<number> {
  const [file, ...rest] = ctx.args;
  if (!file || rest.length) throw new UsageError('migrations note takes exactly one FILE', { hint: 'rewind migrations note db/migrations/0042_add_kyc_status.sql' });
  const format = migrationFormat(ctx, false);
  const { files, downs } = await readMigrationPaths([file], { cwd: ctx.io.cwd, maxBytes: defaultMaxBytes });
  const report = await analyzeWindow(files, { lookup: (p) => downs.get(p) });
  const judged = report.files[0];
  if (!judged || judged.verdict === 'error') {
    throw new UsageError(`${file}: ${judged?.findings[0]?.message ?? 'not a migration file'}`);
  }
  const note = renderNote(judged);
  if (format === 'json' || format === 'yaml') {
    const doc = { path: judged.path, verdict: judged.verdict, note };
    ctx.io.stdout.write(format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : await toYaml(doc));
  } else ctx.io.stdout.write(note);
  return 0;
}
