import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openAppContext } from '../../app/app-context.ts';
import { planRollback } from '../../app/plan-service.ts';
import { executeRollback } from '../../app/rollback-service.ts';
import { checkPlanStillValid } from '../../core/plan-staleness.ts';
import type { Plan } from '../../core/plan.ts';
import { validatePlan } from '../../core/plan-validation.ts';
import { ExitCode, RefusedError, UsageError } from '../../core/errors.ts';
import { renderPlanText } from '../../report/plan-text.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { progressPrinter } from '../progress-printer.ts';
import { runExitCode, runDocument } from './run-result.ts';
import { confirmDownMigrations } from './down-confirmation.ts';
import { parseDuration, parseHistoryId, parseMechanism, parseTime, requireOneApp } from './parse-flags.ts';

/** Steps 3a-3d of the runbook: plan (or re-check a saved plan), confirm, execute, verify. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'rollback APP [--to ID] [--plan FILE]');
  const format = parseOutputFormat(ctx.global.output);
  const to = parseHistoryId(flagString(ctx, 'to'));
  const alertAt = parseTime(flagString(ctx, 'alert-at'), '--alert-at');
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 10 * 60_000);
  const planFile = flagString(ctx, 'plan');
  const saved = planFile ? await readPlan(resolve(ctx.io.cwd, planFile), name) : undefined;
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  const mechanism = parseMechanism(flagString(ctx, 'mechanism'));
  const fresh = await planRollback(app, {
    app: name,
    ...(mechanism ?? saved?.mechanism ? { mechanism: mechanism ?? saved?.mechanism ?? '' } : {}),
    ...(flagBool(ctx, 'no-revert') ? { noRevert: true } : {}),
    // A Rollout plan's target is the Rollout's ReplicaSet, not a revision to ask for: it is re-planned as it stands and compared.
    ...(saved?.to?.kind === 'argocd-history' ? { to: saved.to.historyId } : saved?.to?.kind === 'replicaset-revision' && saved.to.historyId === null && saved.mechanism !== 'argo-rollouts' ? { to: saved.to.replicaSetRevision } : to !== undefined ? { to } : {}),
    ...(alertAt ? { alertAt } : {}),
    ...(flagString(ctx, 'fix') ?? (saved?.to?.kind === 'fix-revision' ? saved.to.ref : undefined) ? { fix: flagString(ctx, 'fix') ?? (saved?.to?.kind === 'fix-revision' ? saved.to.ref : '') } : {}),
  });
  let plan = fresh.plan;
  if (saved) {
    const changes = checkPlanStillValid(saved, fresh.facts);
    if (changes.length > 0) {
      throw new RefusedError(`the saved plan is stale: ${changes.join('; ')}`, {
        hint: `make a new one: rewind plan ${name} --save ${planFile}`,
      });
    }
    plan = saved;
  }
  const out = format === 'table' ? ctx.io.stdout : ctx.io.stderr;
  out.write(renderPlanText(plan, { color: ctx.io.color }));
  if (plan.decision === 'refuse') {
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { app: name, status: 'refused', plan }));
    return ExitCode.Refused;
  }
  if (plan.decision === 'noop') {
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { app: name, status: 'verified', plan, steps: [] }));
    return ExitCode.Ok;
  }
  if (!ctx.global.yes && !ctx.global.dryRun) {
    if (!ctx.io.stdinIsTTY) {
      throw new RefusedError(`refusing to roll back ${name} without confirmation: no terminal to ask on`, {
        hint: 'review the plan above and pass --yes (or --dry-run to only check it)',
      });
    }
    const target = plan.to?.kind === 'replicaset-revision' ? `revision ${plan.to.replicaSetRevision} (ReplicaSet ${plan.to.replicaSet})` : plan.to?.kind === 'fix-revision' ? `the fix ${plan.to.ref} (${plan.to.revision.slice(0, 7)})` : `history id ${plan.to?.historyId ?? '?'}`;
    const question = plan.to?.kind === 'flag-off' ? `Turn ${plan.to.flags.join(', ')} off for ${name} (feature-flag)?` : `${plan.to?.kind === 'fix-revision' ? 'Roll forward' : 'Roll back'} ${name} to ${target} (${plan.mechanism ?? 'no mechanism'})?`;
    if (!(await ctx.io.confirm(question))) {
      ctx.io.stderr.write('not confirmed; nothing changed\n');
      return ExitCode.Refused;
    }
  }
  const downOk = await confirmDownMigrations(plan, { confirmed: flagBool(ctx, 'confirm-down-migration'), dryRun: ctx.global.dryRun, yes: ctx.global.yes, tty: ctx.io.stdinIsTTY, ask: (q) => ctx.io.confirm(q) });
  if (!downOk) {
    ctx.io.stderr.write('down migration not confirmed; nothing changed\n');
    return ExitCode.Refused;
  }
  const result = await executeRollback(
    app,
    {
      plan,
      ...(flagString(ctx, 'reason') ? { reason: flagString(ctx, 'reason') } : {}),
      timeoutMs,
      signal: ctx.signal,
      dryRun: ctx.global.dryRun,
      progress: progressPrinter(ctx.io, plan.steps.length),
    },
    ctx.io.env,
  );
  await app.close();
  const doc = runDocument(plan, result, { dryRun: ctx.global.dryRun });
  if (format !== 'table') ctx.io.stdout.write(renderDocument(format, doc));
  else if (ctx.global.dryRun) ctx.io.stdout.write('\ndry run: nothing was changed and nothing journaled\n');
  else ctx.io.stdout.write(`\nrun ${result.runId}: ${doc.status}${result.status === 'awaiting-revert' ? `\nnext (Step 3d): revert ${(plan.from.revision ?? '').slice(0, 7)} in git and push, then: rewind finish ${name}` : ''}\n`);
  return runExitCode(result);
}

async function readPlan(file: string, app: string): Promise<Plan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read plan ${file}: ${(e as Error).message}`);
  }
  const checked = validatePlan(parsed);
  if (!checked.ok) {
    throw new UsageError(`${file} is not a plan this rewind can run: ${checked.problems.join('; ')}`, { hint: `make a new one: rewind plan ${app} --save ${file}` });
  }
  if (checked.plan.app !== app) throw new UsageError(`${file} is a plan for ${checked.plan.app}, not ${app}`);
  return checked.plan;
}
