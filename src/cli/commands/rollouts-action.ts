import { openAppContext } from '../../app/app-context.ts';
import { executeRollback } from '../../app/rollback-service.ts';
import { planRolloutsAction } from '../../app/rollouts-service.ts';
import { ExitCode, RefusedError } from '../../core/errors.ts';
import type { OperatorAction } from '../../core/rollouts/operator-plan.ts';
import { renderPlanText } from '../../report/plan-text.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { progressPrinter } from '../progress-printer.ts';
import { parseDuration, requireOneApp } from './parse-flags.ts';
import { runDocument, runExitCode } from './run-result.ts';

/** `rollouts retry APP` and `rollouts promote APP [--full]`: journaled, under the app's lease and hold. */
export async function runAction(ctx: CommandContext, verb: 'retry' | 'promote'): Promise<number> {
  const name = requireOneApp(ctx.args, `rollouts ${verb} APP`);
  const format = parseOutputFormat(ctx.global.output);
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 5 * 60_000);
  const action: OperatorAction = verb === 'retry' ? 'retry' : flagBool(ctx, 'full') ? 'promote-full' : 'promote';
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const plan = await planRolloutsAction(app, name, action);
    (format === 'table' ? ctx.io.stdout : ctx.io.stderr).write(renderPlanText(plan, { color: ctx.io.color }));
    if (plan.decision === 'refuse') {
      if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { app: name, status: 'refused', plan }));
      return ExitCode.Refused;
    }
    if (!ctx.global.yes && !ctx.global.dryRun) {
      if (!ctx.io.stdinIsTTY) throw new RefusedError(`refusing to ${action} ${name} without confirmation: no terminal to ask on`, { hint: 'pass --yes (or --dry-run)' });
      if (!(await ctx.io.confirm(`${action} the Rollout of ${name}?`))) {
        ctx.io.stderr.write('not confirmed; nothing changed\n');
        return ExitCode.Refused;
      }
    }
    const reason = flagString(ctx, 'reason');
    const result = await executeRollback(app, { plan, ...(reason ? { reason } : {}), timeoutMs, signal: ctx.signal, dryRun: ctx.global.dryRun, progress: progressPrinter(ctx.io, plan.steps.length) }, ctx.io.env);
    const doc = runDocument(plan, result, { dryRun: ctx.global.dryRun });
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, doc));
    else ctx.io.stdout.write(`\nrun ${result.runId}: ${ctx.global.dryRun ? 'dry run, nothing changed' : result.status}\n`);
    return runExitCode(result);
  } finally {
    await app.close();
  }
}
