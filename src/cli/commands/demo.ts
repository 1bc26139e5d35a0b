import { runDemo } from '../../app/demo.ts';
import { findScenario, scenarioNames } from '../../app/sandbox-host.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { renderPlanText } from '../../report/plan-text.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { paint } from '../io.ts';
import { progressPrinter } from '../progress-printer.ts';
import { runDocument, runExitCode } from './run-result.ts';
import { formatValues } from '../../core/analysis/analysis.ts';
import { describeTiming } from '../../app/demo-timing.ts';

/** `npm run demo`: the seed runbook end to end against the embedded sandbox. */
export async function run(ctx: CommandContext): Promise<number> {
  const format = parseOutputFormat(ctx.global.output);
  const asked = flagString(ctx, 'scenario') ?? 'argocd-image';
  const found = findScenario(asked);
  if (!found) throw new UsageError(`unknown scenario "${asked}"`, { hint: `scenarios: ${scenarioNames()}` });
  const scenario = found.name;
  const speedFlag = flagString(ctx, 'speed') ?? '10';
  const speed = Number(speedFlag);
  if (!(speed >= 1 && speed <= 100)) throw new UsageError(`--speed must be between 1 and 100, not "${speedFlag}"`);
  const say = (line: string) => ctx.io.stderr.write(`${paint(ctx.io, 'blue', '==>')} ${line}\n`);
  const started = Date.now();
  let total = 0;
  const demo = await runDemo({
    scenario,
    speed,
    keep: flagBool(ctx, 'keep'),
    env: ctx.io.env,
    signal: ctx.signal,
    say,
    progress: progressPrinter(ctx.io, () => total),
    showPlan: (plan) => {
      total = plan.steps.length;
      const text = renderPlanText(plan, { color: ctx.io.color });
      (format === 'table' ? ctx.io.stdout : ctx.io.stderr).write(`${text}\n`);
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!demo.result) {
    if (format !== 'table') ctx.io.stdout.write(renderDocument(format, { scenario, app: demo.app, status: 'refused', from: demo.plan.from, to: demo.plan.to, steps: [] }));
    else say(`rewind refused (see the plan above); demo took ${seconds}s`);
    return ExitCode.Refused;
  }
  const doc = { scenario, ...runDocument(demo.plan, demo.result), metrics: demo.metrics, ...(demo.postmortem ? { postmortem: demo.postmortem } : {}), ...(demo.timing ? { timing: demo.timing } : {}) };
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, doc));
  } else {
    const target = doc.to && 'replicaSet' in doc.to ? `revision ${doc.to.replicaSetRevision} (ReplicaSet ${doc.to.replicaSet})` : `${doc.to?.revision.slice(0, 7)}, the revision of history ${doc.to?.historyId},`;
    say(`${doc.status === 'verified' ? paint(ctx.io, 'green', 'verified') : paint(ctx.io, 'red', doc.status)}: ${demo.app} runs ${target} on every Pod in ${seconds}s (${doc.mechanism ?? ''})`);
    for (const m of demo.metrics) say(`${m.name}: ${formatValues(m.before)} before the rollback -> ${formatValues(m.after)} after (${m.threshold})`);
    if (doc.runStatus === 'awaiting-revert') say(`Step 3d is open: revert ${(doc.from.revision ?? '').slice(0, 7)} in git, then \`rewind finish ${demo.app}\` restores auto-sync`);
    else if (doc.runStatus === 'finished' && doc.steps.some((s) => s.kind === 'followup.revert')) say('the revert is in git and auto-sync is back: the run is finished');
    if (flagBool(ctx, 'keep')) say(`sandbox kept in ${demo.dir}: REWIND_CONFIG=${demo.dir}/rewind.yaml rewind status ${demo.app}`);
    if (demo.postmortem) say(`postmortem draft: ${demo.postmortem}`);
    if (demo.timing) say(describeTiming(demo.timing));
  }
  return runExitCode(demo.result);
}
