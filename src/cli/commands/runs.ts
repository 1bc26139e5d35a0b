import { openAppContext } from '../../app/app-context.ts';
import { loadRun } from '../../app/run-lookup.ts';
import { runHolds } from '../../core/run-holds.ts';
import type { JournalStore } from '../../core/ports.ts';
import type { RunStatus } from '../../core/run.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';

const open: readonly RunStatus[] = ['running', 'interrupted', 'awaiting-revert', 'failed'];

/** Runs in the journal, open ones first, each with what it holds: a run is never silently left holding an app. */
export async function run(ctx: CommandContext): Promise<number> {
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const journal = await app.journal();
    const summaries = [...(await journal.listRuns(ctx.args[0]))].sort((a, b) => Number(open.includes(b.status)) - Number(open.includes(a.status)));
    const runs = await Promise.all(
      summaries.map(async (s) => (open.includes(s.status) ? { ...s, holds: runHolds(...(await planAndResults(journal, s.runId))) } : { ...s, holds: [] as string[] })),
    );
    if (format !== 'table') {
      ctx.io.stdout.write(renderDocument(format, runs));
      return 0;
    }
    if (runs.length === 0) {
      ctx.io.stdout.write('no runs yet\n');
      return 0;
    }
    ctx.io.stdout.write(renderTable(['RUN', 'APP', 'STATUS', 'STARTED', 'UPDATED'], runs.map((r) => [r.runId, r.app, r.status, r.startedAt, r.updatedAt])));
    for (const r of runs.filter((x) => x.holds.length > 0)) {
      const next = r.status === 'awaiting-revert' ? `rewind finish ${r.app}` : `rewind resume ${r.runId}`;
      ctx.io.stderr.write(`reminder: ${r.runId} holds ${r.holds.join('; ')}: ${next}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}

async function planAndResults(journal: JournalStore, runId: string) {
  const loaded = await loadRun(journal, runId);
  return [loaded.plan, loaded.results] as const;
}
