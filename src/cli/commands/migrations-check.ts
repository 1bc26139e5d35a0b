import { flagBool, flagString, type CommandContext } from '../command.ts';
import { UsageError } from '../../core/errors.ts';
import { exitCodeFor } from '../../app/migration-analysis.ts';
import { checkRevisions, defaultMaxBytes } from '../../app/migration-files.ts';
import { maxBytesFlag, migrationFormat, writeReport } from './migrations-output.ts';

/** `rewind migrations check --repo DIR --from REV --to REV [--path GLOB]`: Step 0 on one window. */
export async function run(ctx: CommandContext): Promise<number> {
  const from = flagString(ctx, 'from');
  const to = flagString(ctx, 'to');
  if (!from || !to) throw new UsageError('migrations check needs --from REV and --to REV', { hint: 'rewind migrations check --repo ./config --from a1b2c3d --to d8f3c2a' });
  const format = migrationFormat(ctx);
  const repo = flagString(ctx, 'repo') ?? ctx.io.cwd;
  const glob = flagString(ctx, 'path') ?? '*.sql';
  const result = await checkRevisions({ repo, from, to, glob, maxBytes: maxBytesFlag(ctx, defaultMaxBytes), requireNotes: flagBool(ctx, 'require-notes') });
  await writeReport(ctx, result, format, { from: result.from, to: result.to, modified: result.modified, deleted: result.deleted });
  if (format === 'text') {
    if (result.files.length === 0) ctx.io.stdout.write(`no migration changed between ${from} and ${to} (${glob}): safe to roll back code\n`);
    for (const m of result.modified) ctx.io.stdout.write(`note: ${m} was edited after it existed at ${from}; a database that already ran it will not run the edit\n`);
    for (const d of result.deleted) ctx.io.stdout.write(`note: ${d} was deleted in the window\n`);
    if (result.verdict === 'unsafe') ctx.io.stdout.write('Step 0: NOT safe to roll back code alone; see data-rollback-postgres-pitr.md\n');
  }
  return exitCodeFor(result.verdict);
}
