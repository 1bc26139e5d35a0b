import { openAppContext } from '../../app/app-context.ts';
import { findOpenRun } from '../../app/run-lookup.ts';
import { continueRun } from '../../app/rollback-service.ts';
import { NotFoundError } from '../../core/errors.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { progressPrinter } from '../progress-printer.ts';
import { parseDuration, requireOneApp } from './parse-flags.ts';
import { runDocument, runExitCode } from './run-result.ts';

/**
 * Step 3d: continues the app's open run through its follow-up phase. Only once the revert is on
 * the tracked branch does auto-sync come back, exactly as the run saved it; until then it exits 1
 * and changes nothing.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'finish APP');
  const format = parseOutputFormat(ctx.global.output);
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 10 * 60_000);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    app.app(name);
    const journal = await app.journal();
    const candidate = await findOpenRun(journal, name, ['awaiting-revert', 'failed', 'interrupted', 'running']);
    const open = candidate && (candidate.status === 'awaiting-revert' || candidate.resumePhase === 'follow-up') ? candidate : undefined;
    if (!open) throw new NotFoundError(`no run of ${name} is waiting for its follow-up (Step 3d)`, { hint: 'see `rewind runs`' });
    const { plan } = open;
    const result = await continueRun(app, open, { timeoutMs, signal: ctx.signal, dryRun: ctx.global.dryRun, progress: progressPrinter(ctx.io, plan.steps.length) }, ctx.io.env);
    const doc = runDocument(plan, result, { dryRun: ctx.global.dryRun });
    const pending = result.steps.find((s) => s.status === 'pending');
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, doc));
    else if (pending) ctx.io.stdout.write(`${pending.evidence.join('; ')}; auto-sync stays as the run left it\n`);
    else ctx.io.stdout.write(`run ${open.runId}: ${ctx.global.dryRun ? 'dry run, nothing changed' : result.status}\n`);
    if (ctx.global.dryRun && result.status !== 'failed' && !pending) return 0;
    return runExitCode(result, { expectClosed: true });
  } finally {
    await app.close();
  }
}
