import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsAlert } from '../metrics.ts';
import { compileMetric } from './analysis.ts';
import { firingAlertFor, regressionStart } from './evidence.ts';

const alert = (name: string, labels: Record<string, string>, activeAt: string, state: MetricsAlert['state'] = 'firing'): MetricsAlert => ({
  name,
  labels: { alertname: name, ...labels },
  state,
  activeAt,
  source: 'prometheus',
});

test('the firing alert for the app: the seed alert or a matching service label, the oldest first', () => {
  const alerts = [
    alert('BookstoreCatalogP99Latency', {}, '2026-05-20T14:31:00Z'),
    alert('HighErrorBudgetBurn', { service: 'catalog' }, '2026-05-20T14:29:00Z'),
    alert('BookstorePaymentsErrorRate', {}, '2026-05-20T14:00:00Z'),
    alert('BookstoreCatalogP99Latency', {}, '2026-05-20T13:00:00Z', 'pending'),
  ];
  assert.equal(firingAlertFor(alerts, 'catalog')?.activeAt, '2026-05-20T14:29:00Z');
  assert.equal(firingAlertFor(alerts, 'payments')?.name, 'BookstorePaymentsErrorRate');
  assert.equal(firingAlertFor(alerts, 'orders'), undefined);
});

test('when the regression started: the oldest sample of the trailing Failed run', () => {
  const m = compileMetric({ name: 'p99', query: 'q', successCondition: 'result[0] < 0.5' });
  const s = (t: number, v: number) => ({ t, v });
  assert.deepEqual(regressionStart(m, [s(0, 0.1), s(60, 0.7), s(120, 0.2), s(180, 0.8), s(240, 0.9)]), { now: 'Failed', startedAt: 180, firstBadValue: 0.8, lastValue: 0.9 });
  assert.deepEqual(regressionStart(m, [s(0, 0.7), s(60, 0.2)]), { now: 'Successful', lastValue: 0.2 });
  assert.deepEqual(regressionStart(m, [s(0, 0.9), s(60, Number.NaN), s(120, 0.9)]), { now: 'Failed', startedAt: 120, firstBadValue: 0.9, lastValue: 0.9 });
  assert.deepEqual(regressionStart(m, []), { now: 'Inconclusive' });
  const scalar = compileMetric({ name: 'x', query: 'q', failureCondition: 'result > 1' });
  assert.deepEqual(regressionStart(scalar, [s(0, 2), s(60, 3)], 'scalar'), { now: 'Failed', startedAt: 0, firstBadValue: 2, lastValue: 3 });
});
