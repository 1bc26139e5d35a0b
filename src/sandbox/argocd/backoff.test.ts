import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfHealDelayMs } from './app-controller.ts';
import { nextRetryAt, retryDueAt } from './sync-operation.ts';

test('self-heal back-off: at once, then 2 s × 3ⁿ, capped at 300 s (upstream flags 2 / 3 / 300)', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map(selfHealDelayMs), [0, 2_000, 6_000, 18_000, 54_000, 162_000, 300_000, 300_000]);
});

test('sync retries: 5 s × 2ⁿ after the failed attempt, capped at 3 min; only a Running state with finishedAt waits', () => {
  const at = new Date('2026-05-20T14:00:00Z');
  assert.deepEqual([0, 1, 2, 5, 9].map((n) => nextRetryAt(at, n).getTime() - at.getTime()), [5_000, 10_000, 20_000, 160_000, 180_000]);
  const base = { operation: { sync: { revision: 'r' }, initiatedBy: { automated: true } }, message: '', startedAt: '2026-05-20T13:59:00Z' };
  assert.equal(retryDueAt({ ...base, phase: 'Running', finishedAt: '2026-05-20T14:00:00Z', retryCount: 1 })?.toISOString(), '2026-05-20T14:00:10.000Z');
  assert.equal(retryDueAt({ ...base, phase: 'Running' }), undefined, 'running, not waiting');
  assert.equal(retryDueAt({ ...base, phase: 'Failed', finishedAt: '2026-05-20T14:00:00Z' }), undefined);
});
