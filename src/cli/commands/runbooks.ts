import { openAppContext } from '../../app/app-context.ts';
import { runbookStatuses } from '../../app/runbook-service.ts';
import { ExitCode } from '../../core/exit-codes.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';

/** `rewind runbooks`: each configured runbook's last exercise; exit 1 when any is stale or unreadable (for CI). */
export async function run(ctx: CommandContext): Promise<number> {
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const list = await runbookStatuses(app);
    const bad = list.some((r) => r.state !== 'fresh');
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, list));
    else if (list.length === 0) ctx.io.stdout.write('no runbooks in rewind.yaml (runbooks: [{ name, file }])\n');
    else {
      ctx.io.stdout.write(
        renderTable(
          ['RUNBOOK', 'LAST WORKED', 'AGE', 'STATE', 'APP', 'RESOLVED BY'],
          list.map((r) => [r.name, r.lastWorked ?? 'never', r.ageDays === null ? '-' : `${r.ageDays}d`, r.state + (r.error ? ` (${r.error})` : ''), r.last?.app ?? '', r.last?.resolvedBy ?? '']),
        ),
      );
      for (const r of list.filter((x) => x.state === 'stale' || x.state === 'never')) ctx.io.stderr.write(`stale: ${r.name} (${r.file}) was last exercised ${r.lastWorked ?? 'never'}: re-rehearse it (the seed: stale after ${r.staleAfterDays} days)\n`);
    }
    return bad ? ExitCode.Refused : ExitCode.Ok;
  } finally {
    await app.close();
  }
}
