import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsFacts } from '../analysis/evidence.ts';
import { decide } from '../decide.ts';
import { Fact } from '../facts.ts';
import { FakeFacts } from '../../testing/fake-facts.ts';

// The seed: history 42 synced 8 minutes before now (14:22:13Z).
const base: MetricsFacts = { store: 'https://prometheus.example/', scrapeIntervalMs: 15_000, checks: [], notes: [] };
const p99 = (v: number, phase: 'Failed' | 'Successful', failingSince?: string) => ({ name: 'catalog-p99-latency', phase, values: [v], threshold: 'ok if result[0] < 0.5', ...(failingSince ? { failingSince } : {}) });
const check = (m: MetricsFacts) => decide({ ...FakeFacts.seed().build(), metrics: Fact.of(m, 'prometheus') }).preflight.find((c) => c.id === 'metrics');

test('a regression that started after the sync, within the window: pass, with the value, the alert and the minutes', () => {
  const c = check({ ...base, alert: { name: 'BookstoreCatalogP99Latency', activeAt: '2026-05-20T14:24:30Z', source: 'prometheus' }, checks: [p99(1.2, 'Failed', '2026-05-20T14:23:15Z')] });
  assert.equal(c?.status, 'pass');
  assert.equal(c?.detail, 'catalog-p99-latency = 1.2 (ok if result[0] < 0.5): Failed; the regression started 1 min after history 42 synced (2026-05-20T14:22:13.000Z); BookstoreCatalogP99Latency firing since 2026-05-20T14:24:30Z');
});

test('a regression older than the sync points away from the deploy', () => {
  const c = check({ ...base, checks: [p99(1.2, 'Failed', '2026-05-20T14:02:00Z')] });
  assert.equal(c?.status, 'warn');
  assert.match(c?.detail ?? '', /failing since 2026-05-20T14:02:00Z, 20 min before history 42 synced: the deploy may not be the cause/);
});

test('healthy numbers now, or no store: said, never a pass', () => {
  assert.equal(check({ ...base, checks: [p99(0.2, 'Successful')] })?.status, 'warn');
  const none = check({ ...base, store: null, notChecked: 'rewind.yaml has no prometheus section' });
  assert.equal(none?.status, 'warn');
  assert.match(none?.detail ?? '', /metrics will not be checked \(rewind.yaml has no prometheus section\)/);
  assert.equal(decide(FakeFacts.seed().build()).preflight.find((c) => c.id === 'metrics'), undefined, 'not gathered: no check');
});
