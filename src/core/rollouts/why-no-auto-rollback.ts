/**
 * The seed's postmortem question "Why did Argo Rollouts NOT auto-rollback?", answered from the
 * Rollout's own facts (the guide's troubleshooting row "Argo Rollouts rollback never triggers":
 * no analysis, a missing template, a query returning nothing, a threshold not crossed).
 */
import type { MetricsFacts } from '../analysis/evidence.ts';
import { canaryWeightOf, type AnalysisRunFact, type RolloutFacts } from './rollout-facts.ts';

const EMPTY = /^\[\s*\]$|^$/;
const NAN = /NaN/;

/** One sentence, with the values it rests on. `metrics` (rewind's own reading now) adds context only. */
export function whyNoAutoRollback(r: RolloutFacts, metrics?: MetricsFacts): string {
  if (r.missingTemplates.length > 0 || r.invalidSpec) {
    return `the analysis cannot run: ${r.missingTemplates.length ? `${r.missingTemplates.join(', ')} does not exist` : ''}${r.missingTemplates.length && r.invalidSpec ? '; ' : ''}${r.invalidSpec ? `InvalidSpec: ${r.invalidSpec}` : ''}`;
  }
  if (r.abort) return `it did: the controller aborted the update (${r.message ?? 'aborted'})`;
  const current = r.replicaSets.find((s) => s.hash === r.currentHash);
  // Only this version's runs: a ReplicaSet brought back keeps its hash, and its old runs with it.
  const runs = r.analysisRuns.filter((a) => (a.podHash === undefined || a.podHash === r.currentHash) && (a.revision === undefined || current === undefined || a.revision === current.revision));
  const empty = runs.flatMap((a) => a.metrics.filter((m) => m.lastValue !== undefined && EMPTY.test(m.lastValue)).map((m) => ({ a, m })));
  if (empty.length > 0) {
    const { a, m } = empty[0]!;
    return `the analysis query returns nothing: ${a.name} metric ${m.name} measured ${m.lastValue ?? '[]'} (${m.phase}${m.message ? `: ${m.message}` : ''})${m.query ? ` for ${m.query}` : ''}; empty is not a failure for the controller`;
  }
  const passed = runs.flatMap((a) => a.metrics.filter((m) => m.phase === 'Successful' || m.phase === 'Running').map((m) => ({ a, m })));
  if (passed.length > 0 && !runs.some((a) => a.phase === 'Failed' || a.phase === 'Error')) {
    const list = passed.map(({ a, m }) => `${a.name} ${m.name} = ${m.lastValue ?? '?'}${NAN.test(m.lastValue ?? '') ? ' (NaN)' : ''} against ${m.successCondition ? `success "${m.successCondition}"` : ''}${m.failureCondition ? ` failure "${m.failureCondition}"` : ''} (${m.phase})`);
    const now = metrics?.checks.map((c) => `${c.name} now ${c.values.length ? c.values.map((v) => Number(v.toPrecision(4))).join(', ') : 'no data'}`) ?? [];
    return `the bad version did not cross the analysis threshold: ${list.join('; ')}${now.length ? `; rewind's own check: ${now.join('; ')}` : ''}`;
  }
  const idx = r.currentStepIndex ?? r.steps.length;
  const analysisBefore = r.steps.slice(0, idx + 1).some((s) => s.kind === 'analysis');
  const bg = r.backgroundAnalysis;
  const bgRunning = bg !== undefined && (bg.startingStep === undefined || bg.startingStep <= idx);
  if (!analysisBefore && !bgRunning) {
    const firstAnalysis = r.steps.findIndex((s) => s.kind === 'analysis');
    const weight = canaryWeightOf(r);
    const where = r.currentStepIndex === undefined ? 'the Rollout finished its steps' : `the canary is at step ${idx}${weight !== undefined ? ` (${weight}% of traffic)` : ''}${r.pauseReasons.length ? `, paused (${r.pauseReasons.join(', ')})` : ''}`;
    return firstAnalysis < 0 && !bg
      ? `the Rollout has no analysis at all (no analysis step, no background analysis): nothing could judge the canary`
      : `no analysis ran before the bad weight: ${where}, and its first analysis is ${firstAnalysis >= 0 ? `step ${firstAnalysis}` : `background from step ${bg?.startingStep ?? 0}`}`;
  }
  const pending = runs.find((a: AnalysisRunFact) => a.phase === 'Pending' || a.phase === 'Running');
  if (pending) return `its analysis ${pending.name} is still ${pending.phase}: no verdict yet`;
  if (runs.length === 0) {
    const step = r.steps.findIndex((s) => s.kind === 'analysis');
    return `no AnalysisRun was created for revision ${current?.revision ?? '?'}${step >= 0 ? ` although step ${step} is an analysis: it was promoted past its analysis (promote --full, or a skipped step)` : ''}`;
  }
  return `its analysis runs ended ${runs.map((a) => `${a.name} ${a.phase}`).join(', ')}`;
}
