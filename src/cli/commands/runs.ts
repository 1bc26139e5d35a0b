import { openAppContext } from '../../app/app-context.ts';
import { loadRun } from '../../app/run-lookup.ts';
import { runHolds } from '../../core/run-holds.ts';
import { undelivered } from '../../core/comms.ts';
import type { JournalStore } from '../../core/ports.ts';
import type { RunStatus } from '../../core/run.ts';
import { ExitCode } from '../../core/exit-codes.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseDuration } from './parse-flags.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';

const open: readonly RunStatus[] = ['running', 'interrupted', 'awaiting-revert', 'failed'];

/**
 * Runs in the journal, open ones first, each with what it holds and whether a live process still
 * runs it: a run is never silently left holding an app. `--open --older-than 4h` exits 1 when any
 * open run is that old (a cron reminder).
 */
export async function run(ctx: CommandContext): Promise<number> {
  const format = parseOutputFormat(ctx.global.output);
  const onlyOpen = flagBool(ctx, 'open');
  const olderThan = flagString(ctx, 'older-than');
  const minAgeMs = olderThan === undefined ? undefined : parseDuration(olderThan, '--older-than', 0);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const journal = await app.journal();
    const now = app.clock.now().getTime();
    const summaries = [...(await journal.listRuns(ctx.args[0]))]
      .filter((s) => !onlyOpen || open.includes(s.status))
      .filter((s) => minAgeMs === undefined || now - Date.parse(s.startedAt) >= minAgeMs)
      .sort((a, b) => Number(open.includes(b.status)) - Number(open.includes(a.status)));
    const runs = await Promise.all(
      summaries.map(async (s) => {
        const notDelivered = undelivered(await journal.read(s.runId)).map((n) => `${n.event} to ${n.target}`);
        if (!open.includes(s.status)) return { ...s, holds: [] as string[], process: null, notDelivered };
        const holds = runHolds(...(await planAndResults(journal, s.runId)));
        return { ...s, holds, process: s.status === 'running' ? await liveness(journal, s.app) : null, notDelivered };
      }),
    );
    if (format !== 'table') {
      ctx.io.stdout.write(renderDocument(format, runs));
      return minAgeMs !== undefined && runs.some((r) => open.includes(r.status)) ? ExitCode.Refused : ExitCode.Ok;
    }
    if (runs.length === 0) {
      ctx.io.stdout.write(onlyOpen || minAgeMs !== undefined ? 'no open runs\n' : 'no runs yet\n');
      return 0;
    }
    const shown = (r: (typeof runs)[number]) => (r.process === 'dead' ? 'running (dead: no live process; resume or abandon it)' : r.status);
    ctx.io.stdout.write(renderTable(['RUN', 'APP', 'STATUS', 'STARTED', 'UPDATED'], runs.map((r) => [r.runId, r.app, shown(r), r.startedAt, r.updatedAt])));
    for (const r of runs.filter((x) => x.holds.length > 0)) {
      const next = r.status === 'awaiting-revert' ? `rewind finish ${r.app}` : `rewind resume ${r.runId}`;
      ctx.io.stderr.write(`reminder: ${r.runId} holds ${r.holds.join('; ')}: ${next}\n`);
    }
    for (const r of runs.filter((x) => x.notDelivered.length > 0)) ctx.io.stderr.write(`not delivered: ${r.runId}: ${r.notDelivered.join('; ')} (rewind show ${r.runId})\n`);
    return minAgeMs !== undefined && runs.some((r) => open.includes(r.status)) ? ExitCode.Refused : ExitCode.Ok;
  } finally {
    await app.close();
  }
}

/**
 * Whether a live process still runs the app's run: its lease is held. Probing takes the lease and
 * gives it back at once when nobody holds it (the file store reclaims a dead holder's lease).
 */
async function liveness(journal: JournalStore, app: string): Promise<'live' | 'dead'> {
  try {
    const release = await journal.acquireLease(app, 'rewind-runs-probe');
    await release();
    return 'dead';
  } catch {
    return 'live';
  }
}

async function planAndResults(journal: JournalStore, runId: string) {
  const loaded = await loadRun(journal, runId);
  return [loaded.plan, loaded.results] as const;
}
