import { undelivered } from '../core/comms.ts';
import type { Plan } from '../core/plan.ts';
import type { JournalRecord, RunStatus, StepResult } from '../core/run.ts';

export interface RunView {
  readonly runId: string;
  readonly plan: Plan;
  readonly status: RunStatus;
  readonly results: readonly StepResult[];
  readonly records: readonly JournalRecord[];
  readonly holds: readonly string[];
}

const seconds = (a: string | null, b: string | null) => (a && b ? ` ${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)}s` : '');

/**
 * A run as the journal tells it: who started it and why, the chosen mechanism, each step by phase
 * with its intent and outcome times and evidence, and what the run holds now.
 */
export function renderRunText(view: RunView): string {
  const head = view.records[0];
  const started = head?.type === 'run-started' ? head : undefined;
  const last = [...view.records].reverse().find((r) => r.type === 'run-status');
  const out = [
    `run ${view.runId}: ${view.status}${last?.type === 'run-status' && last.detail ? ` (${last.detail})` : ''}`,
    `  app ${view.plan.app}, mechanism ${view.plan.mechanism ?? 'none'}, started ${started?.at ?? '?'} by ${started?.actor ?? '?'}${started?.reason ? `: ${started.reason}` : ''}`,
    ...view.plan.reasons.map((r) => `  why: ${r}`),
  ];
  let phase = '';
  view.results.forEach((r, i) => {
    if (r.phase !== phase) out.push('', `${r.phase}:`);
    phase = r.phase;
    const step = view.plan.steps[i];
    out.push(`  ${i + 1}. [${r.status}] ${step?.title ?? r.kind}  (${r.kind}${r.startedAt ? `, ${r.startedAt}${seconds(r.startedAt, r.endedAt)}` : ''})`);
    if (r.error) out.push(`       error: ${r.error}${r.failure ? ` (${r.failure})` : ''}`);
    for (const e of r.evidence) out.push(`       ${e}`);
  });
  out.push('', view.holds.length ? 'holds now:' : 'holds nothing now', ...view.holds.map((h) => `  ${h}`));
  const missed = undelivered(view.records);
  if (missed.length) out.push('', 'not delivered (Step 4):', ...missed.map((n) => `  ${n.event} to ${n.target}: ${n.state === 'intent' ? 'sending was interrupted; a resume sends it again' : (n.error ?? 'failed')}`));
  return `${out.join('\n')}\n`;
}
