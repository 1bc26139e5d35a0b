import { openAppContext } from '../../app/app-context.ts';
import { loadRun } from '../../app/run-lookup.ts';
import { runHolds } from '../../core/run-holds.ts';
import { UsageError } from '../../core/errors.ts';
import { renderRunText } from '../../report/run-text.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';

/** `rewind show RUN`: a run's plan, each step's intent and outcome with times and evidence, what it holds. */
export async function run(ctx: CommandContext): Promise<number> {
  const [runId, ...extra] = ctx.args;
  if (!runId || extra.length) throw new UsageError(runId ? `unexpected argument "${extra[0]}"` : 'missing RUN', { hint: 'usage: rewind show RUN (list runs with `rewind runs`)' });
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const loaded = await loadRun(await app.journal(), runId);
    const view = { runId, plan: loaded.plan, status: loaded.status, results: loaded.results, records: loaded.records, holds: runHolds(loaded.plan, loaded.results) };
    if (format === 'table') ctx.io.stdout.write(renderRunText(view));
    else ctx.io.stdout.write(renderDocument(format, { runId, app: loaded.plan.app, status: loaded.status, holds: view.holds, plan: loaded.plan, steps: loaded.results, journal: loaded.records }));
    return 0;
  } finally {
    await app.close();
  }
}
