import { abandonRun } from '../../app/abandon-service.ts';
import { openAppContext } from '../../app/app-context.ts';
import { RefusedError, UsageError } from '../../core/errors.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';

const USAGE = 'abandon RUN|--app APP --reason TEXT --restore|--leave';

/** Ends a run without finishing it: put back what it saved (--restore), or leave it marked (--leave). */
export async function run(ctx: CommandContext): Promise<number> {
  const [runId, ...extra] = ctx.args;
  const app = flagString(ctx, 'app');
  const reason = flagString(ctx, 'reason');
  const restore = flagBool(ctx, 'restore');
  const leave = flagBool(ctx, 'leave');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, { hint: `usage: rewind ${USAGE}` });
  if ((runId === undefined) === (app === undefined)) throw new UsageError('name the run, or (for another host\'s run) --app APP: one of the two', { hint: `usage: rewind ${USAGE}` });
  if (!reason) throw new UsageError('--reason is required: the next person needs to know why the run was ended', { hint: `usage: rewind ${USAGE}` });
  if (restore === leave) {
    throw new UsageError('say what to do with what the run changed: --restore (give back the saved auto-sync and pin; the app then syncs to its branch head) or --leave (keep it changed and marked until `rewind release`)');
  }
  const format = parseOutputFormat(ctx.global.output);
  if (!ctx.global.yes && !ctx.global.dryRun) {
    if (!ctx.io.stdinIsTTY) throw new RefusedError('refusing to abandon a run without confirmation: no terminal to ask on', { hint: 'pass --yes (or --dry-run)' });
    if (!(await ctx.io.confirm(`Abandon ${runId ?? `the run holding ${app ?? ''}`} and ${restore ? 'restore what it saved' : 'leave the app as it is'}?`))) {
      ctx.io.stderr.write('not confirmed; nothing changed\n');
      return 1;
    }
  }
  const appCtx = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const result = await abandonRun(appCtx, { ...(runId ? { runId } : {}), ...(app ? { app } : {}), reason, mode: restore ? 'restore' : 'leave', dryRun: ctx.global.dryRun }, ctx.io.env);
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { ...result, status: ctx.global.dryRun ? 'dry-run' : 'abandoned' }));
    else ctx.io.stdout.write([`run ${result.runId} (${result.app}): ${ctx.global.dryRun ? 'dry run' : 'abandoned'}`, ...result.actions.map((a) => `  ${a}`), ...result.notes.map((n) => `note: ${n}`)].join('\n') + '\n');
    return 0;
  } finally {
    await appCtx.close();
  }
}
