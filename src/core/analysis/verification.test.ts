import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMetric } from './analysis.ts';
import { checkPromql, rangeWindowMs } from './promql.ts';
import { resolveVerification, seedDefaultMetrics, withRecoveryDefaults } from './verification.ts';

test('the seed alerts as defaults, picked by the workload name; they parse', () => {
  assert.equal(seedDefaultMetrics('catalog')?.[0]?.name, 'catalog-p99-latency');
  assert.match(seedDefaultMetrics('catalog')?.[0]?.query ?? '', /service="catalog"\}\[5m\]/);
  assert.equal(seedDefaultMetrics('payments')?.[0]?.successCondition, 'result[0] < 0.01');
  assert.match(seedDefaultMetrics('orders-api')?.[0]?.query ?? '', /code=~"5\.\."/);
  assert.equal(seedDefaultMetrics('inventory'), undefined);
  assert.equal(seedDefaultMetrics('catalogue'), undefined);
  for (const s of ['catalog', 'payments', 'orders']) {
    const metrics = seedDefaultMetrics(s);
    assert.ok(metrics && metrics.length > 0, `${s} has a seed default`);
    for (const m of metrics) {
      assert.equal(checkPromql(m.query), undefined, m.query);
      assert.equal(rangeWindowMs(m.query), 300_000);
      compileMetric(m);
      assert.equal(m.consecutiveSuccessLimit, 3);
    }
  }
});

test("an app's own metrics win; none and no default means nothing checked", () => {
  const own = { metrics: [{ name: 'x', query: 'up', successCondition: 'result[0] == 1' }], requireMetrics: true, allowUnresolvedTags: false, origin: 'config' as const };
  assert.equal(resolveVerification(own, 'catalog'), own);
  assert.equal(resolveVerification(undefined, 'catalog').origin, 'seed-default');
  const none = resolveVerification({ ...own, metrics: [] }, 'inventory');
  assert.deepEqual([none.origin, none.metrics.length, none.requireMetrics], ['none', 0, true]);
});

test('recovery defaults fill what a metric leaves out; count keeps upstream semantics', () => {
  assert.deepEqual(withRecoveryDefaults({ name: 'x', query: 'q', failureLimit: 2 }), {
    intervalMs: 30_000, consecutiveSuccessLimit: 3, failureLimit: 2, inconclusiveLimit: -1, consecutiveErrorLimit: 4, name: 'x', query: 'q',
  });
  assert.deepEqual(withRecoveryDefaults({ name: 'x', query: 'q', count: 5 }), { intervalMs: 30_000, name: 'x', query: 'q', count: 5 });
});
