import { openAppContext } from '../../app/app-context.ts';
import { recoveryReport } from '../../app/report-service.ts';
import { UsageError } from '../../core/errors.ts';
import { humanDuration } from '../../report/postmortem/postmortem.ts';
import type { Stat } from '../../report/recovery-report.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseDuration } from './parse-flags.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';

const fmt = (s: Stat) => (s.n === 0 ? 'no data (n=0)' : `median ${humanDuration(Math.round(s.median ?? 0))}, p90 ${humanDuration(Math.round(s.p90 ?? 0))} (n=${s.n})`);

/** `rewind report [APP] [--since 90d]`: recovery figures, with the window they really cover. */
export async function run(ctx: CommandContext): Promise<number> {
  const [app, ...extra] = ctx.args;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const format = parseOutputFormat(ctx.global.output);
  const sinceMs = parseDuration(flagString(ctx, 'since'), '--since', 90 * 86_400_000);
  const context = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const r = await recoveryReport(context, { sinceMs, ...(app ? { app } : {}) });
    if (format !== 'table') {
      ctx.io.stdout.write(renderDocument(format, r));
      return 0;
    }
    const cfr = r.changeFailRate;
    const lines = [
      `window: ${r.window.covered.from} .. ${r.window.covered.to}${r.window.note ? ` (${r.window.note})` : ''}`,
      '',
      renderTable(
        ['FIGURE', 'VALUE'],
        [
          ['failed deployment recovery time (deploy → recovered)', fmt(r.failedDeploymentRecoveryTime)],
          ['time to detect (deploy → alert)', fmt(r.timeToDetect)],
          ['time to mitigate (alert → rollback applied)', fmt(r.timeToMitigate)],
          ['change fail rate (deploys that needed a rollback / deploys)', cfr.rate === null ? `no deploys counted (${cfr.failedDeploys} failed)` : `${(cfr.rate * 100).toFixed(1)}% (${cfr.failedDeploys}/${cfr.deploys})`],
          ['open runs (not recovered yet; not in the figures)', String(r.open.length)],
          ['failures no deploy explains (not in the figures)', String(r.notCausedByDeploy.length)],
        ],
      ).trimEnd(),
      '',
      renderTable(['APP', 'DEPLOYS', 'FAILED'], r.perApp.map((p) => [p.app, String(p.deploys), String(p.failed)])).trimEnd(),
      ...r.open.map((o) => `open: ${o.runId} (${o.status})`),
      ...r.notCausedByDeploy.map((o) => `not a deploy: ${o.runId}: ${o.why}`),
      ...r.gaps.map((g) => `note: ${g}`),
    ];
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
