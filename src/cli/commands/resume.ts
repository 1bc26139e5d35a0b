import { openAppContext } from '../../app/app-context.ts';
import { loadRun } from '../../app/run-lookup.ts';
import { continueRun } from '../../app/rollback-service.ts';
import { RefusedError, UsageError } from '../../core/errors.ts';
import { onlyHoldReleasesLeft } from '../../core/resume-check.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { progressPrinter } from '../progress-printer.ts';
import { parseDuration } from './parse-flags.ts';
import { runDocument, runExitCode } from './run-result.ts';

/**
 * Continues an interrupted or crashed run at its first unfinished step. Every step re-reads
 * live state first (they are idempotent), so a step whose intent was journaled but whose
 * outcome was not is safe to run again. The follow-up phase is `finish`'s.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const runId = ctx.args[0];
  if (!runId) throw new UsageError('missing RUN', { hint: 'list runs with `rewind runs`' });
  const format = parseOutputFormat(ctx.global.output);
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 10 * 60_000);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const loaded = await loadRun(await app.journal(), runId);
    const { plan } = loaded;
    // A follow-up of nothing but the run's own hold release waits on no one: resume ends the run.
    if (loaded.status === 'awaiting-revert' || (loaded.resumePhase === 'follow-up' && !onlyHoldReleasesLeft(plan, loaded.resumeAt))) {
      throw new RefusedError(`run ${runId} is past its rollback: only the follow-up (Step 3d) is left`, { hint: `close it with: rewind finish ${plan.app}` });
    }
    if (!['running', 'interrupted', 'failed'].includes(loaded.status)) {
      throw new RefusedError(`run ${runId} is ${loaded.status}; only running, interrupted or failed runs resume`);
    }
    ctx.io.stderr.write(`resuming ${runId} (${plan.app}) at step ${loaded.resumeAt + 1}/${plan.steps.length}\n`);
    const result = await continueRun(app, loaded, { timeoutMs, signal: ctx.signal, dryRun: ctx.global.dryRun, progress: progressPrinter(ctx.io, plan.steps.length) }, ctx.io.env);
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, runDocument(plan, result, { dryRun: ctx.global.dryRun })));
    else ctx.io.stdout.write(`run ${runId}: ${result.status}\n`);
    return runExitCode(result);
  } finally {
    await app.close();
  }
}
