/**
 * `rewind report`: recovery figures over a window, from the journal (what rewind did) and the
 * deploy log (what shipped). Pure. DORA's failed deployment recovery time (since 2023): from the
 * failed deploy to recovered; reported as median and p90 with the number of incidents, never as
 * a bare mean (one long incident would hide every short one). Runs still open, and failures no
 * deploy explains (the plan's correlation check did not pass), are counted apart from the figures.
 */
import type { Plan } from '../core/plan.ts';
import { runMoments, type JournalRecord, type RunStatus } from '../core/run.ts';

export interface ReportRun {
  readonly runId: string;
  readonly plan: Plan;
  readonly records: readonly JournalRecord[];
  readonly status: RunStatus;
}

export interface ReportInput {
  readonly since: string;
  readonly now: string;
  readonly runs: readonly ReportRun[];
  /** Deploys per app in the window: config repo commits and Argo CD history, deduplicated by revision. */
  readonly deploys: readonly { readonly app: string; readonly revisions: readonly string[] }[];
  /** Where the deploy log starts (the config repo's oldest commit); absent when there is no config repo. */
  readonly deployLogStart?: string;
  readonly gaps: readonly string[];
}

export interface Stat {
  readonly n: number;
  /** Seconds; null when n is 0. */
  readonly median: number | null;
  readonly p90: number | null;
}

export interface RecoveryReport {
  readonly window: { readonly asked: { readonly from: string; readonly to: string }; readonly covered: { readonly from: string; readonly to: string }; readonly note?: string };
  readonly failedDeploymentRecoveryTime: Stat;
  readonly timeToDetect: Stat;
  readonly timeToMitigate: Stat;
  readonly changeFailRate: { readonly failedDeploys: number; readonly deploys: number; readonly rate: number | null };
  readonly incidents: readonly { readonly runId: string; readonly app: string; readonly deployedAt: string | null; readonly recoveredAt: string | null; readonly seconds: number | null }[];
  readonly open: readonly { readonly runId: string; readonly app: string; readonly status: RunStatus }[];
  readonly notCausedByDeploy: readonly { readonly runId: string; readonly app: string; readonly why: string }[];
  readonly perApp: readonly { readonly app: string; readonly deploys: number; readonly failed: number }[];
  readonly gaps: readonly string[];
}

/** Nearest-rank percentile (the value at rank ⌈p·n⌉): always a value that happened. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

/** The median of an even count is the mean of the middle two, as usual. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const stat = (xs: readonly number[]): Stat => ({ n: xs.length, median: median(xs), p90: percentile(xs, 0.9) });
const secs = (a: string | null | undefined, b: string | null | undefined) => (a && b ? (Date.parse(b) - Date.parse(a)) / 1000 : null);

/**
 * When the deploy landed and when the alert fired, as the plan's correlation check recorded them
 * (Argo CD history and the alert time, with where that time came from).
 */
export function planTimes(plan: Plan): { deployedAt: string | null; alertAt: string | null; alertSource?: string } {
  const c = plan.preflight.find((p) => p.id === 'correlation');
  const deploy = c?.evidence.map((e) => /^history (\d+) synced at (\S+)$/.exec(e.claim)).find((m) => m && Number(m[1]) === plan.from.historyId);
  const alert = c?.evidence.find((e) => e.claim.startsWith('alert fired at '));
  return {
    deployedAt: deploy?.[2] ? new Date(deploy[2]).toISOString() : null,
    alertAt: alert ? new Date(alert.claim.slice('alert fired at '.length)).toISOString() : null,
    ...(alert ? { alertSource: alert.source } : {}),
  };
}

export function buildRecoveryReport(input: ReportInput): RecoveryReport {
  const inWindow = input.runs.filter((r) => Date.parse(r.records[0]?.at ?? '') >= Date.parse(input.since) && r.status !== 'refused' && r.plan.decision === 'rollback');
  const incidents: RecoveryReport['incidents'][number][] = [];
  const open: RecoveryReport['open'][number][] = [];
  const notDeploy: RecoveryReport['notCausedByDeploy'][number][] = [];
  const detect: number[] = [];
  const mitigate: number[] = [];
  const failedRevisions = new Map<string, Set<string>>();
  for (const r of inWindow) {
    const correlation = r.plan.preflight.find((p) => p.id === 'correlation');
    if (correlation?.status !== 'pass') {
      notDeploy.push({ runId: r.runId, app: r.plan.app, why: correlation ? correlation.detail : 'the plan has no deploy/alert correlation' });
      continue;
    }
    const m = runMoments(r.plan, r.records);
    const { deployedAt, alertAt } = planTimes(r.plan);
    if (r.plan.from.revision) failedRevisions.set(r.plan.app, (failedRevisions.get(r.plan.app) ?? new Set()).add(r.plan.from.revision));
    if (!m.verified) {
      if (r.status !== 'abandoned') open.push({ runId: r.runId, app: r.plan.app, status: r.status });
      continue;
    }
    const seconds = secs(deployedAt, m.verified.at);
    incidents.push({ runId: r.runId, app: r.plan.app, deployedAt, recoveredAt: m.verified.at, seconds });
    const d = secs(deployedAt, alertAt);
    const t = secs(alertAt, m.mitigated?.at);
    if (d !== null && d >= 0) detect.push(d);
    if (t !== null && t >= 0) mitigate.push(t);
  }
  const perApp = [...new Set([...input.deploys.map((d) => d.app), ...failedRevisions.keys()])].sort().map((app) => {
    const revisions = new Set(input.deploys.find((d) => d.app === app)?.revisions ?? []);
    const failed = failedRevisions.get(app) ?? new Set<string>();
    // A failed deploy the log missed (pruned, or before the log starts) still counts as a deploy.
    for (const f of failed) revisions.add(f);
    return { app, deploys: revisions.size, failed: failed.size };
  });
  const deploys = perApp.reduce((a, p) => a + p.deploys, 0);
  const failedDeploys = perApp.reduce((a, p) => a + p.failed, 0);
  const coveredFrom = input.deployLogStart && Date.parse(input.deployLogStart) > Date.parse(input.since) ? input.deployLogStart : input.since;
  return {
    window: {
      asked: { from: input.since, to: input.now },
      covered: { from: coveredFrom, to: input.now },
      ...(coveredFrom !== input.since ? { note: `the config repo's history starts at ${coveredFrom}: deploys before it cannot be counted` } : input.deployLogStart === undefined ? { note: 'no config repo: deploys come from Argo CD history only (revisionHistoryLimit entries)' } : {}),
    },
    failedDeploymentRecoveryTime: stat(incidents.map((i) => i.seconds).filter((s): s is number => s !== null && s >= 0)),
    timeToDetect: stat(detect),
    timeToMitigate: stat(mitigate),
    changeFailRate: { failedDeploys, deploys, rate: deploys > 0 ? failedDeploys / deploys : null },
    incidents,
    open,
    notCausedByDeploy: notDeploy,
    perApp,
    gaps: input.gaps,
  };
}
