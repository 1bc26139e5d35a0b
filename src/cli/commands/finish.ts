import { openAppContext } from '../../app/app-context.ts';
import { findOpenRun } from '../../app/run-lookup.ts';
import { finishRollback } from '../../app/rollback-service.ts';
import { ExitCode, NotFoundError } from '../../core/errors.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { parseDuration, requireOneApp } from './parse-flags.ts';

/** Step 3d: the revert is on the tracked branch, so auto-sync can come back exactly as it was. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'finish APP');
  const format = parseOutputFormat(ctx.global.output);
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 10 * 60_000);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    app.app(name);
    const open = await findOpenRun(await app.journal(), name, ['awaiting-revert']);
    if (!open) throw new NotFoundError(`no run of ${name} is waiting for its revert`, { hint: 'see `rewind runs`' });
    const result = await finishRollback(app, open, { timeoutMs, signal: ctx.signal, dryRun: ctx.global.dryRun, log: (m) => ctx.io.stderr.write(`${m}\n`) });
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, result));
    else ctx.io.stdout.write(`${result.message}\n`);
    if (result.status === 'finished' || result.status === 'dry-run') return ExitCode.Ok;
    return result.status === 'refused' ? ExitCode.Refused : ExitCode.VerificationFailed;
  } finally {
    await app.close();
  }
}
