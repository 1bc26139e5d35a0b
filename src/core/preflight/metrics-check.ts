import { formatValues } from '../analysis/analysis.ts';
import type { MetricCheckEvidence } from '../analysis/evidence.ts';
import type { PreflightStatus } from '../plan.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

const show = (c: MetricCheckEvidence) => `${c.name} = ${formatValues(c.values)} (${c.threshold}): ${c.phase}`;

/**
 * Alert / trigger, from the numbers (issue 12): the value now against its threshold, the firing
 * alert, and when the regression started relative to the current sync, the seed's "landed within
 * 30 minutes and the alert fired after" test applied to the metric itself. A regression that began
 * before the sync landed points away from the deploy; healthy numbers now ask whether the
 * incident is over. Absent when the metrics were not gathered.
 */
export const metricsCheck: Preflight = ({ facts, policy, lkg }) => {
  const fact = facts.metrics;
  if (fact === undefined) return null;
  const e = fact.value;
  const title = 'Metrics';
  if (e.notChecked !== undefined) {
    const detail = `metrics will not be checked (${e.notChecked}): the rollback can end rolled-back, not verified`;
    return result({ id: 'metrics', title, status: 'warn', detail, evidence: [] }, [detail]);
  }
  const evidence = [
    ...e.checks.map((c) => ({ claim: show(c), source: fact.source })),
    ...(e.alert ? [{ claim: `${e.alert.name} firing${e.alert.activeAt ? `, active since ${e.alert.activeAt}` : ''}`, source: `${e.alert.source} alerts` }] : []),
    ...e.notes.map((n) => ({ claim: n, source: fact.source })),
  ];
  const failing = e.checks.filter((c) => c.phase === 'Failed');
  const current = lkg.current;
  const parts: string[] = [];
  const warnings: string[] = [];
  let status: PreflightStatus = 'info';
  if (e.checks.length > 0 && e.checks.every((c) => c.phase === 'Successful')) {
    status = 'warn';
    warnings.push(`the metrics look healthy now (${e.checks.map(show).join('; ')}): is the incident over?`);
    parts.push(...warnings);
  }
  for (const c of failing) {
    parts.push(show(c));
    if (c.failingSince === undefined || current === undefined) continue;
    const minutes = Math.round((Date.parse(c.failingSince) - Date.parse(current.deployedAt)) / 60_000);
    if (Number.isNaN(minutes)) continue;
    if (minutes < 0) {
      status = 'warn';
      const w = `${c.name} has been failing since ${c.failingSince}, ${-minutes} min before history ${current.id} synced: the deploy may not be the cause`;
      warnings.push(w);
      parts.push(w);
    } else {
      if (status === 'info') status = minutes <= policy.correlationWindowMinutes ? 'pass' : 'warn';
      parts.push(`the regression started ${minutes} min after history ${current.id} synced (${current.deployedAt})${minutes > policy.correlationWindowMinutes ? `, outside the ${policy.correlationWindowMinutes}-min window` : ''}`);
    }
  }
  if (e.alert) parts.push(`${e.alert.name} firing${e.alert.activeAt ? ` since ${e.alert.activeAt}` : ''}`);
  if (parts.length === 0) parts.push(e.checks.map(show).join('; ') || 'no metric answered');
  return result({ id: 'metrics', title, status, detail: parts.join('; '), evidence }, warnings);
};
