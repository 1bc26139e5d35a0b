/**
 * Step 5's postmortem draft, built from what rewind knows: the run's journal and plan, Argo CD's
 * history, the alert, the verification metric and the config repo's diff. Pure: the caller
 * gathers (app/postmortem-service.ts). The sections follow the SRE book's template (summary,
 * impact, root causes and trigger, detection, resolution, action items, lessons, timeline);
 * every timeline entry links its source. What the facts cannot answer is left as a question for
 * the author, never filled in.
 */
import type { Plan } from '../../core/plan.ts';
import { serviceName } from '../../core/comms.ts';
import { metricsRecovered as recovered, runMoments, type JournalRecord, type RunStatus } from '../../core/run.ts';
import type { Sample } from '../../core/metrics.ts';

export interface Link {
  readonly label: string;
  /** Absent when the source has no address (a flag typed on the command line). */
  readonly href?: string;
}

export interface PostmortemInput {
  readonly runId: string;
  readonly plan: Plan;
  readonly records: readonly JournalRecord[];
  readonly status: RunStatus;
  readonly severity: 'P0' | 'P1' | 'P2';
  /** Where each journal record can be read: its line in the journal copy beside the draft. */
  readonly journalHref: (line: number) => string;
  /** The bad and good history entries as Argo CD reports them. */
  readonly deploy?: { readonly id: number; readonly revision: string; readonly deployedAt: string; readonly link: Link };
  readonly alert?: { readonly name: string; readonly activeAt: string; readonly link: Link };
  readonly metric?: {
    readonly name: string;
    readonly query: string;
    readonly condition?: string;
    readonly threshold?: { readonly op: '<' | '<=' | '>' | '>='; readonly value: number };
    readonly samples: readonly Sample[];
    readonly link: Link;
  };
  /** Every file the deploy's window changed in the config repo (not only the app's folder). */
  readonly windowFiles?: { readonly files: readonly string[]; readonly link: Link };
  /** File name of the chart, written beside the Markdown. */
  readonly chart?: string;
  /** What could not be read, said plainly in the draft. */
  readonly gaps: readonly string[];
  readonly now: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly what: string;
  readonly source: Link;
}

export interface Duration {
  readonly name: string;
  readonly from: string;
  readonly to: string | null;
  /** Seconds; null when an end is unknown. */
  readonly seconds: number | null;
  readonly note?: string;
}

export interface ActionItem {
  readonly question: string;
  /** What the facts say; absent when they say nothing. */
  readonly finding?: string;
  /** The action it calls for; a question for the author when the facts cannot decide. */
  readonly action: string;
  readonly status: 'answered' | 'open';
}

export interface Postmortem {
  readonly kind: 'Postmortem';
  readonly runId: string;
  readonly app: string;
  readonly title: string;
  readonly severity: string;
  readonly status: RunStatus;
  readonly summary: string;
  readonly impact: readonly string[];
  readonly trigger: readonly string[];
  readonly detection: readonly string[];
  readonly resolution: readonly string[];
  readonly path: { readonly taken: string | null; readonly reasons: readonly string[]; readonly rejected: readonly { readonly mechanism: string; readonly reason: string }[] };
  readonly durations: readonly Duration[];
  readonly timeline: readonly TimelineEntry[];
  readonly evidence: readonly { readonly check: string; readonly status: string; readonly detail: string; readonly sources: readonly { readonly claim: string; readonly source: string }[] }[];
  readonly actionItems: readonly ActionItem[];
  readonly lessons: { readonly wentWell: readonly string[]; readonly wentWrong: readonly string[]; readonly lucky: readonly string[] };
  readonly chart?: string;
  readonly gaps: readonly string[];
  readonly generatedAt: string;
}

const short = (rev: string | null | undefined) => (rev ? rev.slice(0, 7) : '?');
const secondsBetween = (a: string | undefined, b: string | undefined) => (a && b ? Math.round((Date.parse(b) - Date.parse(a)) / 1000) : null);

/** "4m 12s", "1h 03m", "45s"; "unknown" for null. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${s}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${sign}${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function buildPostmortem(input: PostmortemInput): Postmortem {
  const { plan, records } = input;
  const m = runMoments(plan, records);
  const service = serviceName(plan);
  const region = plan.workload.cluster;
  const bad = short(plan.from.revision);
  const good = short(plan.to?.revision);
  const j = (line: number, label: string): Link => ({ label, href: input.journalHref(line) });
  const deployAt = input.deploy?.deployedAt;
  const alertAt = input.alert?.activeAt;
  const metricsRecovered = recovered(records);
  const started = records.find((r) => r.type === 'run-started');
  const actor = started?.type === 'run-started' ? started.actor : 'unknown';

  const timeline: TimelineEntry[] = [];
  if (input.deploy) timeline.push({ at: input.deploy.deployedAt, what: `deploy: Argo CD history ${input.deploy.id} synced ${short(input.deploy.revision)}`, source: input.deploy.link });
  if (input.alert) timeline.push({ at: input.alert.activeAt, what: `alert ${input.alert.name} active`, source: input.alert.link });
  records.forEach((r, i) => {
    const line = i + 1;
    if (r.type === 'run-started') timeline.push({ at: r.at, what: `rewind run started by ${r.actor}${r.reason ? `: ${r.reason}` : ''}`, source: j(line, `journal line ${line}`) });
    if (r.type === 'outcome' && r.step < plan.steps.length) {
      const title = plan.steps[r.step]?.title ?? r.kind;
      timeline.push({ at: r.at, what: `${r.status}: ${title}${r.error ? ` (${r.error})` : ''}`, source: j(line, `journal line ${line}`) });
    }
    if (r.type === 'run-status' && r.status !== 'running') timeline.push({ at: r.at, what: `run ${r.status}`, source: j(line, `journal line ${line}`) });
    if (r.type === 'notice' && r.state !== 'intent') timeline.push({ at: r.at, what: `${r.event} notice ${r.state === 'sent' ? 'sent to' : 'NOT delivered to'} ${r.target}`, source: j(line, `journal line ${line}`) });
  });
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const openEnd = (at: string | undefined) => at ?? null;
  const durations: Duration[] = [
    { name: 'time to detect (deploy → alert)', from: deployAt ?? '', to: openEnd(alertAt), seconds: secondsBetween(deployAt, alertAt) },
    { name: 'time to mitigate (alert → rollback applied)', from: alertAt ?? '', to: openEnd(m.mitigated?.at), seconds: secondsBetween(alertAt, m.mitigated?.at) },
    { name: 'time to verify (rollback applied → verified)', from: m.mitigated?.at ?? '', to: openEnd(m.verified?.at), seconds: secondsBetween(m.mitigated?.at, m.verified?.at) },
    { name: 'failed deployment recovery time (deploy → verified)', from: deployAt ?? '', to: openEnd(m.verified?.at), seconds: secondsBetween(deployAt, m.verified?.at) },
    m.reverted
      ? { name: 'git and cluster disagreed (rollback applied → revert on the branch)', from: m.mitigated?.at ?? '', to: m.reverted.at, seconds: secondsBetween(m.mitigated?.at, m.reverted.at) }
      : { name: 'git and cluster disagreed (rollback applied → revert on the branch)', from: m.mitigated?.at ?? '', to: null, seconds: secondsBetween(m.mitigated?.at, input.now), note: `still disagreeing at ${input.now}: the revert of ${bad} is not on the branch` },
  ]
    .map((d) => (d.from === '' ? { ...d, seconds: null } : d))
    // A negative span means two clocks disagree (or a wrong --alert-at): shown, never silently clamped.
    .map((d) => (d.seconds !== null && d.seconds < 0 ? { ...d, note: 'negative: the two times come from clocks that disagree, or the alert time given was wrong' } : d));

  const diagnosis = plan.preflight.find((p) => p.id === 'diagnosis');
  const syncMode = plan.preflight.find((p) => p.id === 'sync-mode');
  const disableStep = plan.steps.findIndex((s) => s.kind === 'argocd.disable-auto-sync');
  const disabled = disableStep >= 0 ? records.findIndex((r) => r.type === 'outcome' && r.step === disableStep && r.status === 'succeeded') : -1;
  const metric = input.metric;
  const peak = metric ? peakAbove(metric) : undefined;

  const impact = [
    metric
      ? peak
        ? `${metric.name} (\`${metric.query}\`) broke its condition \`${metric.condition ?? '?'}\` from ${peak.from} to ${peak.to ?? 'the end of the chart'}, peaking at ${fmt(peak.max)}.`
        : `${metric.name} (\`${metric.query}\`) never broke \`${metric.condition ?? '?'}\` in the window read: the impact is not visible in this metric.`
      : 'The verification metric could not be read: the impact in numbers is unknown.',
    `Question for the author: how many requests, users or tenants were affected in ${region}, and was any data affected?`,
  ];
  const trigger = [
    `Deploy of ${bad}${input.deploy ? ` (Argo CD history ${input.deploy.id}, ${input.deploy.deployedAt})` : ''} to ${plan.app}.`,
    ...(diagnosis ? [`Step 2 found: ${diagnosis.detail}.`, ...diagnosis.evidence.map((e) => `${e.claim} (${e.source})`)] : ['Step 2 (what changed) was not recorded in the plan.']),
    'Root cause: question for the author (what in the change made it regress?).',
  ];
  const detection = input.alert
    ? [`${input.alert.name} became active at ${input.alert.activeAt}${deployAt ? `, ${humanDuration(secondsBetween(deployAt, input.alert.activeAt))} after the deploy` : ''}.`]
    : ['No alert time is known for this run (no firing alert was found and none was given).'];
  const resolution = [
    `${plan.mechanism ?? 'no mechanism'}: ${plan.to ? `back to history ${plan.to.historyId} (${good})` : 'no target'}, run ${input.runId} by ${actor}; the run is ${input.status}.`,
    m.verified
      ? metricsRecovered
        ? `Verified at ${m.verified.at}: every Pod runs the good image and the metric recovered.`
        : `Verified at ${m.verified.at}: every Pod runs the good image; the recovery metric was not checked by the run.`
      : 'Not verified.',
    m.reverted ? `The revert of ${bad} reached the branch at ${m.reverted.at}.` : `The revert of ${bad} is not on the branch yet: auto-sync stays off until it is (\`rewind finish ${plan.app}\`).`,
  ];

  const files = input.windowFiles?.files ?? [];
  const tests = files.filter((f) => /(^|\/)(tests?|spec|__tests__|e2e)(\/|$)|[._-](test|spec)\.[a-z]+$/i.test(f));
  const actionItems: ActionItem[] = [
    {
      question: 'Why did CI pass but production fail?',
      ...(input.windowFiles
        ? { finding: `the window ${good}..${bad} changed ${files.length} file(s) in the config repo (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}); ${tests.length ? `test files among them: ${tests.join(', ')}` : 'none of them is a test'}. The image's own CI runs in its source repository, which rewind does not read.` }
        : {}),
      action: 'Question for the author: which test should have caught this regression? Add it (the seed\'s action item: add the missing test).',
      status: 'open',
    },
    plan.workload.kind === 'Deployment'
      ? {
          question: 'Why did Argo Rollouts NOT auto-roll back?',
          finding: `there is no Rollout: ${plan.workload.namespace}/${plan.workload.name} is a Deployment, so nothing analysed the new version before it took all traffic.`,
          action: `Convert ${plan.workload.name} to an Argo Rollout with an AnalysisTemplate${metric ? ` on \`${metric.query}\`` : ''}.`,
          status: 'answered',
        }
      : {
          question: 'Why did Argo Rollouts NOT auto-roll back?',
          finding: `${plan.workload.name} is an Argo Rollout.`,
          action: 'Question for the author: was the AnalysisTemplate threshold strict enough? Tune it.',
          status: 'open',
        },
    syncMode
      ? syncMode.status === 'warn' || /auto-sync is ON/i.test(syncMode.detail)
        ? {
            question: 'Was the auto-sync footgun encountered?',
            finding: `yes: ${syncMode.detail.split(':')[0]}; a plain \`argocd app rollback\` would have been undone by the next sync. ${disabled >= 0 ? `rewind disabled it first (journal line ${disabled + 1}).` : 'the run did not disable it.'}`,
            action: 'Document the "disable auto-sync first" step in the team runbook.',
            status: 'answered',
          }
        : { question: 'Was the auto-sync footgun encountered?', finding: `no: ${syncMode.detail}.`, action: 'None.', status: 'answered' }
      : { question: 'Was the auto-sync footgun encountered?', action: 'Question for the author: the plan has no sync-mode check to answer from.', status: 'open' },
  ];

  const wentWell = [
    ...(m.mitigated && alertAt && Date.parse(alertAt) <= Date.parse(m.mitigated.at) ? [`Mitigated ${humanDuration(secondsBetween(alertAt, m.mitigated.at))} after the alert, by ${plan.mechanism ?? 'rewind'}.`] : []),
    ...(m.verified ? [`Recovery verified ${humanDuration(secondsBetween(m.mitigated?.at, m.verified.at))} after the rollback was applied.`] : []),
    ...plan.preflight.filter((p) => p.status === 'pass').map((p) => `${p.title}: ${p.detail}.`),
  ];
  const wentWrong = [
    ...records.filter((r) => r.type === 'outcome' && r.status === 'failed').map((r) => (r.type === 'outcome' ? `${plan.steps[r.step]?.title ?? r.kind} failed: ${r.error ?? 'no detail'}` : '')),
    ...records.filter((r) => r.type === 'notice' && r.state === 'failed').map((r) => (r.type === 'notice' ? `the ${r.event} notice did not reach ${r.target}: ${r.error ?? ''}` : '')),
    ...plan.warnings,
    'Question for the author: what else went wrong?',
  ];

  return {
    kind: 'Postmortem',
    runId: input.runId,
    app: plan.app,
    title: `${service} regression in ${region} after deploy ${bad}`,
    severity: input.severity,
    status: input.status,
    summary: `${service} regressed in ${region} after deploy ${bad}${input.deploy ? ` (history ${input.deploy.id})` : ''}; rewind rolled ${plan.app} back to ${good}${m.mitigated ? ` at ${m.mitigated.at.slice(11, 16)} UTC` : ''}${m.verified ? (metricsRecovered ? '; metrics recovered' : '; Pods verified on the good image') : '; not verified'}. Root cause: to be written by the author.`,
    impact,
    trigger,
    detection,
    resolution,
    path: { taken: plan.mechanism, reasons: plan.reasons, rejected: plan.rejected.map((r) => ({ mechanism: r.mechanism, reason: r.reason })) },
    durations,
    timeline,
    evidence: plan.preflight.map((p) => ({ check: p.title, status: p.status, detail: p.detail, sources: p.evidence.map((e) => ({ claim: e.claim, source: e.source })) })),
    actionItems,
    lessons: { wentWell, wentWrong, lucky: ['Question for the author: where did we get lucky?'] },
    ...(input.chart ? { chart: input.chart } : {}),
    gaps: input.gaps,
    generatedAt: input.now,
  };
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v));

/** The longest stretch where the metric broke its threshold, and its worst value. */
function peakAbove(metric: NonNullable<PostmortemInput['metric']>): { from: string; to: string | null; max: number } | undefined {
  const th = metric.threshold;
  if (!th) return undefined;
  const breaks = (v: number) => Number.isFinite(v) && !(th.op === '<' ? v < th.value : th.op === '<=' ? v <= th.value : th.op === '>' ? v > th.value : v >= th.value);
  let best: { from: number; to: number | null; max: number } | undefined;
  let cur: { from: number; to: number | null; max: number } | undefined;
  for (const s of metric.samples) {
    if (breaks(s.v)) {
      cur ??= { from: s.t, to: null, max: s.v };
      cur.max = th.op.startsWith('<') ? Math.max(cur.max, s.v) : Math.min(cur.max, s.v);
    } else if (cur) {
      cur.to = s.t;
      if (!best || cur.to - cur.from > (best.to ?? Infinity) - best.from) best = cur;
      cur = undefined;
    }
  }
  if (cur) best = cur;
  return best && { from: new Date(best.from * 1000).toISOString(), to: best.to === null ? null : new Date(best.to * 1000).toISOString(), max: best.max };
}

/** "result[0] < 0.5" → { op: '<', value: 0.5 }; undefined for anything else. */
export function thresholdOf(condition: string | undefined): { op: '<' | '<=' | '>' | '>='; value: number } | undefined {
  const m = /^\s*result(?:\[0\])?\s*(<=|>=|<|>)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(condition ?? '');
  return m ? { op: m[1] as '<' | '<=' | '>' | '>=', value: Number(m[2]) } : undefined;
}
