/**
 * `rewind postmortem RUN`: gathers what the draft is made of (the journal, Argo CD's history entry
 * of the bad deploy, the alert, the verification metric over the incident, the config repo's
 * diff) and writes the draft, its chart and a copy of the journal the timeline links into. Each
 * source is optional: what cannot be read is named in the draft, never guessed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { firingAlertFor } from '../core/analysis/evidence.ts';
import { resolveVerification } from '../core/analysis/verification.ts';
import type { Sample } from '../core/metrics.ts';
import { runMoments } from '../core/run.ts';
import { buildPostmortem, thresholdOf, type Postmortem, type PostmortemInput } from '../report/postmortem/postmortem.ts';
import { renderPostmortemMarkdown } from '../report/postmortem/postmortem-markdown.ts';
import { renderMetricChart, type ChartMark } from '../report/postmortem/metric-chart.ts';
import { planTimes } from '../report/recovery-report.ts';
import type { AppContext } from './app-context.ts';
import { loadRun } from './run-lookup.ts';

export interface PostmortemFiles {
  readonly postmortem: Postmortem;
  readonly markdown: string;
  /** Absolute paths written. */
  readonly files: { readonly markdown: string; readonly json: string; readonly chart?: string; readonly png?: string; readonly journal: string };
}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function writePostmortem(ctx: AppContext, runId: string, outDir: string, opts: { png?: boolean } = {}): Promise<PostmortemFiles> {
  const journal = await ctx.journal();
  const loaded = await loadRun(journal, runId);
  const { plan, records } = loaded;
  const gaps: string[] = [];
  const now = ctx.clock.now().toISOString();
  let severity: PostmortemInput['severity'] = 'P1';
  let appVerify;
  try {
    const app = ctx.app(plan.app);
    severity = app.severity;
    appVerify = app.verify;
  } catch {
    gaps.push(`${plan.app} is not in rewind.yaml any more: severity P1 assumed, the seed's metric used`);
  }
  const journalName = `${runId}.journal.jsonl`;
  const journalHref = (line: number) => `${journalName}#L${line}`;
  const started = records[0];
  const planned = planTimes(plan);

  // The bad deploy: Argo CD's history entry, else what the plan recorded of it.
  let deploy: PostmortemInput['deploy'];
  const badId = plan.from.historyId;
  try {
    const app = await (await ctx.gitops()).getApplication(plan.app);
    const entry = app.history.find((h) => h.id === badId);
    if (entry) deploy = { id: entry.id, revision: entry.revision, deployedAt: entry.deployedAt, link: { label: `Argo CD history ${entry.id}`, href: `${ctx.config.argocd.url.replace(/\/+$/, '')}/applications/${encodeURIComponent(plan.app)}?view=history` } };
    else gaps.push(`Argo CD no longer lists history ${badId ?? '?'} of ${plan.app} (revisionHistoryLimit): the deploy time comes from the plan`);
  } catch (e) {
    gaps.push(`Argo CD could not be read (${why(e)}): the deploy time comes from the plan`);
  }
  if (!deploy && planned.deployedAt && badId !== null && plan.from.revision) {
    deploy = { id: badId, revision: plan.from.revision, deployedAt: planned.deployedAt, link: { label: 'the plan\'s correlation check (journal line 1)', href: journalHref(1) } };
  }

  // The alert: Prometheus' activeAt while it still fires, else the time the plan was given.
  let alert: PostmortemInput['alert'];
  const metrics = await ctx.metrics().catch((e: unknown) => (gaps.push(`Prometheus is not usable: ${why(e)}`), undefined));
  if (metrics) {
    try {
      const a = firingAlertFor(await metrics.alerts(), plan.workload.name);
      if (a?.activeAt && started && Date.parse(a.activeAt) <= Date.parse(started.at)) {
        alert = { name: a.name, activeAt: new Date(a.activeAt).toISOString(), link: { label: `${a.source} alerts: ${a.name} activeAt`, href: `${ctx.config.prometheus?.alertmanagerUrl ?? ctx.config.prometheus?.url ?? ''}${a.source === 'alertmanager' ? '/api/v2/alerts' : '/api/v1/alerts'}` } };
      }
    } catch (e) {
      gaps.push(`alerts could not be read: ${why(e)}`);
    }
  }
  if (!alert) {
    if (planned.alertAt) alert = { name: 'the alert given to the plan', activeAt: planned.alertAt, link: { label: `${planned.alertSource ?? 'the plan'} (plan, journal line 1)`, href: journalHref(1) } };
    else gaps.push('no alert time: none was firing for the service when the draft was written, and the plan was given none');
  }

  // The verification metric over the incident.
  const m = runMoments(plan, records);
  let metric: PostmortemInput['metric'];
  const spec = resolveVerification(appVerify, plan.workload.name).metrics[0];
  if (!spec) gaps.push(`${plan.app} has no verification metric (verify.metrics) and the seed has none for ${plan.workload.name}: no chart`);
  else if (metrics) {
    const first = Math.min(...[deploy?.deployedAt, alert?.activeAt, started?.at].filter((x): x is string => !!x).map(Date.parse));
    const last = Math.max(...[m.verified?.at, m.mitigated?.at, records.at(-1)?.at].filter((x): x is string => !!x).map(Date.parse));
    const start = new Date(first - 10 * 60_000);
    const end = new Date(Math.min(Date.parse(now), last + 10 * 60_000));
    const stepSeconds = Math.max(15, Math.ceil((end.getTime() - start.getTime()) / 1000 / 240));
    try {
      const res = await metrics.queryRange(spec.query, { start, end, stepSeconds });
      const samples = worstPerStep(res.series.map((s) => s.samples));
      if (samples.length === 0) gaps.push(`${spec.name} returned no series for ${start.toISOString()}..${end.toISOString()} (retention, or the query matches nothing)`);
      const q = new URLSearchParams({ query: spec.query, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepSeconds) });
      const threshold = thresholdOf(spec.successCondition);
      metric = { name: spec.name, query: spec.query, ...(spec.successCondition ? { condition: spec.successCondition } : {}), ...(threshold ? { threshold } : {}), samples, link: { label: 'Prometheus query_range', href: `${ctx.config.prometheus?.url ?? ''}/api/v1/query_range?${q.toString()}` } };
    } catch (e) {
      gaps.push(`${spec.name} could not be read: ${why(e)}`);
    }
  }

  let windowFiles: PostmortemInput['windowFiles'];
  if (plan.to && plan.from.revision) {
    try {
      const repo = await ctx.repo();
      if (repo) windowFiles = { files: (await repo.changedFiles(plan.to.revision, plan.from.revision)).map((f) => f.path), link: { label: `git diff --name-status ${plan.to.revision.slice(0, 7)}..${plan.from.revision.slice(0, 7)}` } };
      else gaps.push('rewind.yaml has no configRepo: what the window changed is unknown');
    } catch (e) {
      gaps.push(`the config repo could not be read: ${why(e)}`);
    }
  }

  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const chartName = metric ? `${runId}-${metric.name.replace(/[^\w.-]+/g, '-')}.svg` : undefined;
  const postmortem = buildPostmortem({ runId, plan, records, status: loaded.status, severity, journalHref, ...(deploy ? { deploy } : {}), ...(alert ? { alert } : {}), ...(metric ? { metric } : {}), ...(windowFiles ? { windowFiles } : {}), ...(chartName ? { chart: chartName } : {}), gaps, now });
  const markdown = renderPostmortemMarkdown(postmortem);
  const files = { markdown: join(dir, `${runId}.md`), json: join(dir, `${runId}.json`), journal: join(dir, journalName), ...(chartName ? { chart: join(dir, chartName) } : {}) };
  await writeFile(files.journal, records.map((r) => JSON.stringify(r)).join('\n') + '\n', { mode: 0o600 });
  if (metric && files.chart) {
    const marks: ChartMark[] = [
      ...(deploy ? [{ kind: 'deploy', at: deploy.deployedAt, label: `deploy ${deploy.revision.slice(0, 7)}` }] : []),
      ...(alert ? [{ kind: 'alert', at: alert.activeAt, label: 'alert' }] : []),
      ...(m.rollback ? [{ kind: 'rollback', at: m.rollback.at, label: 'rollback' }] : []),
      ...(m.verified ? [{ kind: 'recovered', at: m.verified.at, label: 'recovered' }] : []),
    ];
    const svg = renderMetricChart({ title: `${metric.name}: ${plan.app}`, samples: metric.samples, ...(metric.threshold ? { threshold: metric.threshold.value } : {}), marks });
    await writeFile(files.chart, svg);
    if (opts.png) {
      const png = files.chart.replace(/\.svg$/, '.png');
      await writeFile(png, await svgToPng(svg));
      Object.assign(files, { png });
    }
  }
  await writeFile(files.markdown, markdown);
  await writeFile(files.json, `${JSON.stringify(postmortem, null, 2)}\n`);
  return { postmortem, markdown, files };
}

/** One value per step: the worst (highest) across series, as the seed's alert reads the service. */
function worstPerStep(series: readonly (readonly Sample[])[]): Sample[] {
  const byT = new Map<number, number>();
  for (const s of series) for (const x of s) byT.set(x.t, Math.max(byT.get(x.t) ?? Number.NEGATIVE_INFINITY, x.v));
  return [...byT].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

/**
 * PNG on request, through resvg (@resvg/resvg-js: a prebuilt native renderer, no browser). Text
 * needs a system font; on a machine with none the PNG has the lines and marks without labels.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
}
