import { openAppContext } from '../../app/app-context.ts';
import { findOpenRun } from '../../app/run-lookup.ts';
import { finishRun } from '../../executor/finish-run.ts';
import { ExitCode, NotFoundError } from '../../core/errors.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { parseDuration, requireOneApp } from './parse-flags.ts';

/** Step 3d: the revert is on the tracked branch, so auto-sync can come back exactly as it was. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'finish APP');
  const format = parseOutputFormat(ctx.global.output);
  const timeoutMs = parseDuration(flagString(ctx, 'timeout'), '--timeout', 10 * 60_000);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  app.app(name);
  const journal = await app.journal();
  const open = await findOpenRun(journal, name, ['awaiting-revert']);
  if (!open) throw new NotFoundError(`no run of ${name} is waiting for its revert`, { hint: 'see `rewind runs`' });
  const repo = await app.repo();
  if (!repo) throw new NotFoundError('rewind.yaml has no configRepo: cannot check that the revert landed');
  const [gitops, cluster] = await Promise.all([app.gitops(), app.cluster(open.plan.workload.cluster)]);
  const release = await journal.acquireLease(name, open.runId);
  try {
    const result = await finishRun(
      { gitops, cluster, repo, journal, clock: app.clock, log: (m) => ctx.io.stderr.write(`${m}\n`) },
      { runId: open.runId, plan: open.plan, timeoutMs, signal: ctx.signal, dryRun: ctx.global.dryRun },
    );
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, result));
    else ctx.io.stdout.write(`${result.message}\n`);
    return result.status === 'finished' || result.status === 'dry-run' ? ExitCode.Ok : result.status === 'refused' ? ExitCode.Refused : ExitCode.VerificationFailed;
  } finally {
    await release();
    await app.close();
  }
}
