import { shortHash } from '../core/domain.ts';
import type { Plan, PreflightStatus } from '../core/plan.ts';

export interface PlanTextOptions {
  /** ANSI colours; the caller decides (TTY, NO_COLOR, --no-color). */
  readonly color: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
type Tone = keyof typeof ANSI;

const MARK: Readonly<Record<PreflightStatus, { readonly mark: string; readonly tone: Tone }>> = {
  pass: { mark: '✓', tone: 'green' },
  warn: { mark: '!', tone: 'yellow' },
  fail: { mark: '✗', tone: 'red' },
  info: { mark: '·', tone: 'dim' },
};

/** "~5s", "~1m30s": expected durations are estimates, so they say so. */
export function formatSeconds(s: number): string {
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  return m === 0 ? `~${rest}s` : rest === 0 ? `~${m}m` : `~${m}m${rest}s`;
}

/**
 * A plan as a human reads it at 3 a.m.: the decision first, then the pre-flight answers with
 * their evidence sources, then numbered steps with target, expected time and checks. A refusal
 * lists why and what to do next instead of steps.
 *
 * ### Examples
 * ```ts
 * renderPlanText(decide(facts), { color: false });
 * // bookstore-catalog-us-east: ROLL BACK d8f3c2a (history 42) -> a1b2c3d (history 41), ~2m18s
 * //   why: the sync landed 8 min before now …
 * // Pre-flight
 * //   ✓ Deploy/alert correlation: the sync landed 8 min before now …
 * //       from argocd GET /api/v1/applications/bookstore-catalog-us-east, clock
 * // Steps
 * //   1. Re-check live state against the plan  [argocd app bookstore-catalog-us-east, ~5s]
 * //      then: live state matches the plan's assumptions
 * ```
 */
export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  const c = (tone: Tone, text: string) => (options.color ? `\u001b[${ANSI[tone]}m${text}\u001b[0m` : text);
  const out: string[] = [];
  const from = `${plan.from.revision === null ? 'unknown revision' : shortHash(plan.from.revision)}${plan.from.historyId === null ? '' : ` (history ${plan.from.historyId})`}`;
  const to = !plan.to
    ? 'no target'
    : plan.to.kind === 'fix-revision'
      ? `${shortHash(plan.to.revision)} (fix ${plan.to.ref})`
      : plan.to.kind === 'replicaset-revision'
      ? `revision ${plan.to.replicaSetRevision} (ReplicaSet ${plan.to.replicaSet}${plan.to.historyId === null ? '' : `, ${shortHash(plan.to.revision)}, history ${plan.to.historyId}`})`
      : plan.to.kind === 'flag-off'
        ? `${plan.to.flags.join(', ')} off (nothing rolled back)`
        : `${shortHash(plan.to.revision)} (history ${plan.to.historyId})`;
  // The headline is the time to a verified service; the follow-up waits on people (the revert).
  const total = plan.steps.filter((s) => s.phase !== 'follow-up').reduce((s, step) => s + step.expectedSeconds, 0);

  if (plan.decision === 'rollback') {
    out.push(`${c('bold', `${plan.app}: ${plan.to?.kind === 'fix-revision' ? 'ROLL FORWARD' : 'ROLL BACK'}`)} ${from} -> ${to}, ${formatSeconds(total)} ${c('dim', `(${plan.mechanism ?? ''})`)}`);
    for (const r of plan.reasons) out.push(`  why: ${r}`);
  } else if (plan.decision === 'noop') {
    out.push(`${c('bold', `${plan.app}: NOTHING TO DO`)} (on ${from})`);
    for (const r of plan.reasons) out.push(`  ${r}`);
  } else if (plan.mechanism === 'data-layer' && plan.reasons.length > 0) {
    // The data-layer handoff says what to do in its first line: the restore point and what it costs.
    const [line = '', ...rest] = plan.reasons;
    out.push(`${c('bold', `${plan.app}: REFUSED`)} ${c('red', 'code rollback')}: ${line}`);
    for (const r of rest) {
      const [what, next] = splitNext(r);
      out.push(`  ${c('red', '✗')} ${what}`);
      if (next) out.push(`    next: ${next}`);
    }
  } else {
    out.push(`${c('bold', `${plan.app}: REFUSED`)} ${c('red', 'will not roll back')} ${from} -> ${to}`);
    for (const r of plan.reasons) {
      const [what, next] = splitNext(r);
      out.push(`  ${c('red', '✗')} ${what}`);
      if (next) out.push(`    next: ${next}`);
    }
  }
  // NOTE: a warning a pre-flight check already shows with its "!" is not repeated up here.
  const shown = new Set(plan.preflight.map((p) => p.detail));
  for (const w of plan.warnings.filter((w) => !shown.has(w))) out.push(`  ${c('yellow', '!')} ${w}`);

  if (plan.preflight.length) {
    out.push('', c('bold', 'Pre-flight'));
    for (const check of plan.preflight) {
      const m = MARK[check.status];
      out.push(`  ${c(m.tone, m.mark)} ${check.title}: ${check.detail}`);
      const sources = [...new Set(check.evidence.map((e) => e.source))];
      if (sources.length) out.push(c('dim', `      from ${sources.join(', ')}`));
    }
  }
  if (plan.rejected.length) {
    out.push('', c('bold', 'Not chosen'));
    for (const r of plan.rejected) out.push(`  ${c('dim', '·')} ${r.mechanism}: ${r.reason}`);
  }
  if (plan.steps.length) {
    out.push('', c('bold', 'Steps'));
    let phase = '';
    plan.steps.forEach((step, i) => {
      if (step.phase !== phase) out.push(`  ${c('dim', `${step.phase}:`)}`);
      phase = step.phase;
      out.push(`  ${i + 1}. ${step.title}  ${c('dim', `[${step.target}, ${formatSeconds(step.expectedSeconds)}]`)}`);
      if (step.checks.length) out.push(`     then: ${step.checks.join('; ')}`);
    });
  }
  return `${out.join('\n')}\n`;
}

/** Reasons read "what is wrong. Next: what to do"; others already carry their remedy. */
function splitNext(reason: string): [string, string | undefined] {
  const i = reason.indexOf('. Next: ');
  return i === -1 ? [reason, undefined] : [reason.slice(0, i), reason.slice(i + '. Next: '.length)];
}
