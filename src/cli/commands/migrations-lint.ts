import { flagBool, type CommandContext } from '../command.ts';
import { UsageError } from '../../core/errors.ts';
import { analyzeWindow, exitCodeFor } from '../../app/migration-analysis.ts';
import { defaultMaxBytes, readMigrationPaths } from '../../app/migration-files.ts';
import { maxBytesFlag, migrationFormat, writeReport } from './migrations-output.ts';

/** `rewind migrations lint PATH...`: each file judged alone unless --window says they are one window. */
export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length === 0) throw new UsageError('migrations lint needs at least one file or folder', { hint: 'rewind migrations lint db/migrations' });
  const format = migrationFormat(ctx);
  const maxBytes = maxBytesFlag(ctx, defaultMaxBytes);
  const { files, downs } = await readMigrationPaths(ctx.args, { cwd: ctx.io.cwd, maxBytes });
  // NOTE: judging nothing must not read as "SAFE": an empty folder or a wrong path is bad input.
  if (files.length === 0) throw new UsageError(`no migrations found: no .sql files under ${ctx.args.join(', ')}`, { hint: 'name the folder that holds the migrations, or the .sql files themselves' });
  const report = await analyzeWindow(files, { window: flagBool(ctx, 'window'), requireNotes: flagBool(ctx, 'require-notes'), lookup: (p) => downs.get(p) });
  await writeReport(ctx, report, format);
  return exitCodeFor(report.verdict);
}
