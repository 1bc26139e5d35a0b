import { openAppContext } from '../../app/app-context.ts';
import { describeConditions, formatValues } from '../../core/analysis/analysis.ts';
import { verifyExitCode, verifyNow, watchRecovery, type VerifyReport } from '../../app/verify-service.ts';
import type { CommandContext } from '../command.ts';
import { flagBool, flagString } from '../command.ts';
import { paint, type Colour } from '../io.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';
import { parseDuration, requireOneApp } from './parse-flags.ts';

const HISTORY_MINUTES = 15;
const BARS = '▁▂▃▄▅▆▇█';

/** A Unicode sparkline; NaN and missing steps are blanks, so a gap in the data shows. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values.map((v) => (Number.isFinite(v) ? (BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] ?? ' ') : ' ')).join('');
}

const colourOf = (phase: string): Colour => (phase === 'Successful' ? 'green' : phase === 'NotChecked' || phase === 'Inconclusive' ? 'yellow' : 'red');

/** JSON has no NaN or Infinity: they are written as Prometheus writes them ("NaN", "+Inf"). */
function forMachines(r: VerifyReport): unknown {
  const num = (v: number) => (Number.isFinite(v) ? v : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');
  return { ...r, checks: r.checks.map(({ history: _h, ...c }) => ({ ...c, values: c.values.map(num) })) };
}

/** `rewind verify APP [--watch]`: the app's recovery checks, now or until recovered. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'verify APP [--watch] [--timeout D]');
  const format = parseOutputFormat(ctx.global.output);
  const watch = flagBool(ctx, 'watch');
  const timeout = flagString(ctx, 'timeout');
  const deadlineMs = timeout === undefined ? undefined : parseDuration(timeout, '--timeout', 0);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  const tty = format === 'table' && Boolean(ctx.io.stdout.isTTY);
  let report: VerifyReport;
  if (watch) {
    const progress = format === 'table' ? ctx.io.stdout : ctx.io.stderr;
    report = await watchRecovery(app, name, {
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
      signal: ctx.signal,
      onMeasurement: (metric, m) => {
        const at = new Date(m.at).toISOString().slice(11, 19);
        progress.write(`${at}  ${metric}  ${formatValues(m.values)}  ${paint(ctx.io, colourOf(m.phase), m.phase)}${m.message ? `  ${m.message}` : ''}\n`);
      },
    });
  } else {
    report = await verifyNow(app, name, { ...(tty ? { historyMinutes: HISTORY_MINUTES } : {}), signal: ctx.signal });
  }
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, forMachines(report)));
    return verifyExitCode(report);
  }
  const origin = report.origin === 'seed-default' ? " (the seed's default for the service)" : report.origin === 'config' ? ' (rewind.yaml verify)' : '';
  const header = ['CHECK', 'VALUE', 'THRESHOLD', 'OUTCOME', ...(tty && !watch ? [`LAST ${HISTORY_MINUTES}m`] : [])];
  const rows = report.checks.map((c) => [c.name, formatValues(c.values), describeConditions(c), c.phase, ...(tty && !watch ? [sparkline((c.history ?? []).map((s) => s.v))] : [])]);
  const lines = [
    `App:         ${report.app}${origin}`,
    `Prometheus:  ${report.prometheus ?? '(not configured)'}`,
    ...(report.checks.length ? ['', renderTable(header, rows).trimEnd()] : []),
    '',
    `Outcome:     ${paint(ctx.io, colourOf(report.outcome), report.outcome === 'NotChecked' ? 'not checked' : report.outcome)}: ${report.reason}`,
    ...(report.outcome === 'NotChecked' && report.requireMetrics ? ['             verify.requireMetrics is set: that is a failure'] : []),
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return verifyExitCode(report);
}
