import { openAppContext } from '../../app/app-context.ts';
import { flagsTurnedOff, restoreFlags } from '../../app/flags-service.ts';
import { actorName } from '../../app/rollback-service.ts';
import { ExitCode } from '../../core/exit-codes.ts';
import { RefusedError, UsageError } from '../../core/errors.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';

/**
 * `rewind flags restore RUN`: turns back on what a run's kill switch turned off, as the run found
 * it. Never part of `finish`: a person decides when the feature comes back.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const runId = ctx.args[0];
  if (!runId || ctx.args.length > 1) throw new UsageError('flags restore needs one run: rewind flags restore RUN');
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    if (!ctx.global.yes && !ctx.global.dryRun) {
      if (!ctx.io.stdinIsTTY) throw new RefusedError('refusing to turn flags back on without confirmation: no terminal to ask on', { hint: 'pass --yes (or --dry-run)' });
      const { run: loaded, offs } = await flagsTurnedOff(app, runId);
      if (!(await ctx.io.confirm(`Turn ${offs.map((o) => o.params.key).join(', ') || 'no flag'} back on for ${loaded.plan.app}, as run ${runId} found it?`))) {
        ctx.io.stderr.write('not confirmed; nothing changed\n');
        return ExitCode.Refused;
      }
    }
    const restored = await restoreFlags(app, { runId, dryRun: ctx.global.dryRun, actor: actorName(ctx.io.env) });
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { runId, status: ctx.global.dryRun ? 'dry-run' : 'restored', flags: restored }));
    else ctx.io.stdout.write(restored.map((r) => `${r.key}: ${r.detail}`).join('\n') + '\n');
    return ExitCode.Ok;
  } finally {
    await app.close();
  }
}
