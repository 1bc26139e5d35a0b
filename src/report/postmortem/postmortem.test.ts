import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { decide } from '../../core/decide.ts';
import type { Sample } from '../../core/metrics.ts';
import type { JournalRecord } from '../../core/run.ts';
import { FakeFacts } from '../../testing/fake-facts.ts';
import { renderMetricChart } from './metric-chart.ts';
import { buildPostmortem, thresholdOf, type PostmortemInput } from './postmortem.ts';
import { renderPostmortemMarkdown } from './postmortem-markdown.ts';

const RUN = '20260520-143013-bookstore-catalog-us-east';
const GOLDEN = new URL('./golden/seed-incident.md', import.meta.url);

/**
 * The seed's incident as a run journals it: history 42 (d8f3c2a) deployed 14:22:13, the p99
 * alert active 14:24:45, rewind started 14:30:13, every step one record apart, the follow-up
 * waiting for the revert. The p99 series: 0.21 s before, 0.9 s after the deploy, back under
 * 0.5 s two minutes after the rollback.
 */
export function seedIncident(): PostmortemInput {
  const plan = decide(FakeFacts.seed().alertAt('2026-05-20T14:24:45Z').build());
  let t = Date.parse('2026-05-20T14:30:13Z');
  const at = (plusSeconds = 2) => new Date((t += plusSeconds * 1000)).toISOString();
  const records: JournalRecord[] = [{ type: 'run-started', runId: RUN, app: plan.app, at: new Date(t).toISOString(), plan, actor: 'alice', reason: 'p99 regression after d8f3c2a' }];
  records.push({ type: 'run-status', runId: RUN, at: at(0), status: 'running' });
  records.push({ type: 'notice', runId: RUN, at: at(1), event: 'started', target: 'slack #bookstore-platform-status', state: 'sent', attempts: 1, ref: '1779287414.000100' });
  for (let i = 0; i < 7; i++) {
    const s = plan.steps[i]!;
    records.push({ type: 'intent', runId: RUN, at: at(1), step: i, kind: s.kind, phase: s.phase, actor: 'alice' });
    const pending = s.kind === 'followup.await-revert';
    records.push({ type: 'outcome', runId: RUN, at: at(s.kind === 'argocd.wait-healthy' ? 95 : 2), step: i, kind: s.kind, phase: s.phase, status: pending ? 'pending' : 'succeeded', evidence: [] });
  }
  records.push({ type: 'run-status', runId: RUN, at: at(0), status: 'awaiting-revert' });
  const samples: Sample[] = [];
  for (let s = Date.parse('2026-05-20T14:12:00Z') / 1000; s <= Date.parse('2026-05-20T14:42:00Z') / 1000; s += 30) {
    const v = s < Date.parse('2026-05-20T14:22:30Z') / 1000 ? 0.21 : s < Date.parse('2026-05-20T14:33:00Z') / 1000 ? 0.9 : 0.22;
    samples.push({ t: s, v });
  }
  return {
    runId: RUN,
    plan,
    records,
    status: 'awaiting-revert',
    severity: 'P1',
    journalHref: (line) => `${RUN}.journal.jsonl#L${line}`,
    deploy: { id: 42, revision: plan.from.revision ?? '', deployedAt: '2026-05-20T14:22:13.000Z', link: { label: 'Argo CD history 42', href: 'https://argocd.example.com/applications/bookstore-catalog-us-east?view=history' } },
    alert: { name: 'BookstoreCatalogP99Latency', activeAt: '2026-05-20T14:24:45.000Z', link: { label: 'prometheus alerts: BookstoreCatalogP99Latency activeAt', href: 'https://prometheus.example.com/api/v1/alerts' } },
    metric: {
      name: 'catalog-p99-latency',
      query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))',
      condition: 'result[0] < 0.5',
      threshold: { op: '<', value: 0.5 },
      samples,
      link: { label: 'Prometheus query_range', href: 'https://prometheus.example.com/api/v1/query_range?query=p99' },
    },
    windowFiles: { files: ['apps/catalog/us-east/kustomization.yaml'], link: { label: 'git diff --name-status a1b2c3d..d8f3c2a' } },
    chart: `${RUN}-catalog-p99-latency.svg`,
    gaps: [],
    now: '2026-05-20T15:00:00.000Z',
  };
}

test('the seed incident\'s postmortem matches the golden draft (REWIND_UPDATE_GOLDEN=1 rewrites it)', async () => {
  const md = renderPostmortemMarkdown(buildPostmortem(seedIncident()));
  if (process.env['REWIND_UPDATE_GOLDEN'] === '1') await writeFile(GOLDEN, md);
  assert.equal(md, await readFile(GOLDEN, 'utf8'));
});

test('the draft answers the mandatory action items from facts and leaves the rest as questions', () => {
  const p = buildPostmortem(seedIncident());
  const [ci, rollouts, footgun] = p.actionItems;
  assert.equal(ci?.status, 'open');
  assert.match(ci?.finding ?? '', /none of them is a test/);
  assert.match(rollouts?.finding ?? '', /is a Deployment/);
  assert.equal(footgun?.status, 'answered');
  assert.match(footgun?.finding ?? '', /^yes: auto-sync is ON .*rewind disabled it first \(journal line \d+\)/);
  assert.deepEqual(
    p.durations.map((d) => [d.name.split(' (')[0], d.seconds]),
    [['time to detect', 152], ['time to mitigate', 341], ['time to verify', 102], ['failed deployment recovery time', 595], ['git and cluster disagreed', 1774]],
  );
  assert.ok(p.timeline.every((e) => e.source.href !== undefined), 'every timeline entry links its source');
  assert.ok(p.impact.some((l) => l.includes('peaking at 0.900')), p.impact.join('\n'));
  assert.match(p.impact.at(-1) ?? '', /^Question for the author/);
});

test('without an alert or a metric the draft says so instead of inventing times', () => {
  const { alert: _a, metric: _m, deploy: _d, ...rest } = seedIncident();
  const p = buildPostmortem({ ...rest, gaps: ['no alert time'] });
  assert.equal(p.durations.find((d) => d.name.startsWith('time to detect'))?.seconds, null);
  assert.equal(p.durations.find((d) => d.name.startsWith('failed deployment'))?.seconds, null);
  assert.match(p.impact[0] ?? '', /could not be read/);
  assert.match(p.detection[0] ?? '', /No alert time is known/);
});

test('the chart has the series, the threshold and the four marks at their times', () => {
  const input = seedIncident();
  const svg = renderMetricChart({
    title: 'catalog-p99-latency',
    samples: input.metric!.samples,
    threshold: 0.5,
    marks: [
      { kind: 'deploy', at: '2026-05-20T14:22:13.000Z', label: 'deploy d8f3c2a' },
      { kind: 'alert', at: '2026-05-20T14:24:45.000Z', label: 'alert' },
      { kind: 'rollback', at: '2026-05-20T14:30:30.000Z', label: 'rollback' },
      { kind: 'recovered', at: '2026-05-20T14:32:30.000Z', label: 'recovered' },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.deepEqual([...svg.matchAll(/class="mark" data-mark="(\w+)" data-at="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`), [
    'deploy 2026-05-20T14:22:13.000Z',
    'alert 2026-05-20T14:24:45.000Z',
    'rollback 2026-05-20T14:30:30.000Z',
    'recovered 2026-05-20T14:32:30.000Z',
  ]);
  const x = (kind: string) => Number(new RegExp(`data-mark="${kind}"[^>]*><line x1="([\\d.]+)"`).exec(svg)?.[1]);
  assert.ok(x('deploy') < x('alert') && x('alert') < x('rollback') && x('rollback') < x('recovered'), 'marks in time order, left to right');
  assert.match(svg, /class="threshold"/);
  const points = /class="series"[^>]*points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
  assert.equal(points.length, input.metric!.samples.length);
  const ys = points.map((p) => Number(p.split(',')[1]));
  assert.ok(Math.min(...ys) < Math.max(...ys), 'the regression shows as a rise (smaller y is higher)');
});

test('a series of NaN (no traffic) draws no line and says the metric could not be read', () => {
  const svg = renderMetricChart({ title: 't', samples: [{ t: 1, v: Number.NaN }, { t: 2, v: Number.NaN }], marks: [] });
  assert.doesNotMatch(svg, /class="series"/);
  assert.match(svg, /no samples/);
});

test('thresholds are read from simple conditions only', () => {
  assert.deepEqual(thresholdOf('result[0] < 0.5'), { op: '<', value: 0.5 });
  assert.deepEqual(thresholdOf('result >= 0.01'), { op: '>=', value: 0.01 });
  assert.equal(thresholdOf('result[0] < 0.5 && result[1] < 2'), undefined);
});
