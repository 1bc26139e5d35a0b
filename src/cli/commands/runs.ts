import { openAppContext } from '../../app/app-context.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';

const openFirst = ['running', 'interrupted', 'awaiting-revert', 'failed'];

/** Runs in the journal, open ones first: a run is never silently left with auto-sync off. */
export async function run(ctx: CommandContext): Promise<number> {
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  const journal = await app.journal();
  const runs = [...(await journal.listRuns(ctx.args[0]))].sort(
    (a, b) => Number(openFirst.includes(b.status)) - Number(openFirst.includes(a.status)),
  );
  await app.close();
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, runs));
    return 0;
  }
  if (runs.length === 0) {
    ctx.io.stdout.write('no runs yet\n');
    return 0;
  }
  ctx.io.stdout.write(renderTable(['RUN', 'APP', 'STATUS', 'STARTED', 'UPDATED'], runs.map((r) => [r.runId, r.app, r.status, r.startedAt, r.updatedAt])));
  const open = runs.filter((r) => r.status === 'awaiting-revert');
  for (const r of open) ctx.io.stderr.write(`reminder: ${r.app} has auto-sync off until its revert lands: rewind finish ${r.app}\n`);
  return 0;
}
