import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openAppContext } from '../../app/app-context.ts';
import { planRollback } from '../../app/plan-service.ts';
import { renderPlanText } from '../../report/plan-text.ts';
import { ExitCode } from '../../core/errors.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { parseHistoryId, parseMechanism, parseTime, requireOneApp } from './parse-flags.ts';

/** Reads only: gathers the facts, decides, prints the plan. Exit 1 when rewind would refuse. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'plan APP [--to ID] [--alert-at TIME]');
  const format = parseOutputFormat(ctx.global.output);
  const to = parseHistoryId(flagString(ctx, 'to'));
  const alertAt = parseTime(flagString(ctx, 'alert-at'), '--alert-at');
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  const mechanism = parseMechanism(flagString(ctx, 'mechanism'));
  const { plan } = await planRollback(app, { app: name, ...(to !== undefined ? { to } : {}), ...(alertAt ? { alertAt } : {}), ...(mechanism ? { mechanism } : {}), ...(flagBool(ctx, 'no-revert') ? { noRevert: true } : {}), ...(flagString(ctx, 'fix') ? { fix: flagString(ctx, 'fix') ?? '' } : {}) });
  const save = flagString(ctx, 'save');
  if (save) {
    await writeFile(resolve(ctx.io.cwd, save), `${JSON.stringify(plan, null, 2)}\n`);
    ctx.io.stderr.write(`plan saved to ${save}; run it with: rewind rollback ${name} --plan ${save}\n`);
  }
  ctx.io.stdout.write(format === 'table' ? renderPlanText(plan, { color: ctx.io.color }) : renderDocument(format, plan));
  return plan.decision === 'refuse' ? ExitCode.Refused : ExitCode.Ok;
}
