import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximateCounts, basicCanaryCounts, currentSetWeight } from './canary-replicas.ts';

test('approximateCounts picks the closest split, surge included (upstream canary_test.go cases)', () => {
  // 5 x 20% = 1 exactly.
  assert.deepEqual(approximateCounts(5, 20, 2), { canary: 1, stable: 4 });
  // 5 x 50% = 2.5, a tie: 3 of 6 (one surge Pod) is exactly 50%.
  assert.deepEqual(approximateCounts(5, 50, 2), { canary: 3, stable: 3 });
  // Without surge the tie rounds up: 3 of 5.
  assert.deepEqual(approximateCounts(5, 50, 0), { canary: 3, stable: 2 });
  // 10 x 5% = 0.5: never 0 canary Pods for a weight of 1-99; 1 of 11 (9.1%) is closer to 5% than 1 of 10.
  assert.deepEqual(approximateCounts(10, 5, 1), { canary: 1, stable: 10 });
  // 1 replica at 20% with surge: one of each; without surge, 20% rounds to none.
  assert.deepEqual(approximateCounts(1, 20, 1), { canary: 1, stable: 1 });
  assert.deepEqual(approximateCounts(1, 20, 0), { canary: 0, stable: 1 });
  // 0% and 100%.
  assert.deepEqual(approximateCounts(5, 0, 2), { canary: 0, stable: 5 });
  assert.deepEqual(approximateCounts(5, 100, 2), { canary: 5, stable: 0 });
});

test('basicCanaryCounts scales within maxSurge and maxUnavailable, stable first', () => {
  const rs = (name: string, replicas: number, available = replicas) => ({ name, replicas, available });
  // Upstream's doc examples: 10 replicas at 10%, maxUnavailable 1, surge 1.
  assert.deepEqual(basicCanaryCounts({ specReplicas: 10, weight: 10, maxSurge: 1, maxUnavailable: 1, newRS: rs('new', 0), stableRS: rs('stable', 10), olderRSs: [] }), { canary: 1, stable: 9 });
  // 10 at 30%, maxUnavailable 0, surge 3: the canary surges, the stable stays.
  assert.deepEqual(basicCanaryCounts({ specReplicas: 10, weight: 30, maxSurge: 3, maxUnavailable: 0, newRS: rs('new', 0), stableRS: rs('stable', 10), olderRSs: [] }), { canary: 3, stable: 10 });
  // 10 at 30%, maxUnavailable 5, surge 0: the stable goes down first, no room for the canary yet.
  assert.deepEqual(basicCanaryCounts({ specReplicas: 10, weight: 30, maxSurge: 0, maxUnavailable: 5, newRS: rs('new', 0), stableRS: rs('stable', 10), olderRSs: [] }), { canary: 0, stable: 7 });
  // An older ReplicaSet with Pods: the canary may surge (2 allowed: 7 - 5), but nothing scales down before the older one is gone.
  assert.deepEqual(basicCanaryCounts({ specReplicas: 5, weight: 20, maxSurge: '25%', maxUnavailable: '25%', newRS: rs('new', 0), stableRS: rs('stable', 4), olderRSs: [rs('old', 1)] }), { canary: 1, stable: 4 });
  assert.deepEqual(basicCanaryCounts({ specReplicas: 5, weight: 20, maxSurge: '25%', maxUnavailable: '25%', newRS: rs('new', 0), stableRS: rs('stable', 5), olderRSs: [rs('old', 2)] }), { canary: 0, stable: 5 });
  // Abort (weight 0), canary 3 and stable 3 of 5, surge 2, maxUnavailable 1: the stable takes the one
  // surge Pod left (7 - 6), and the canary drains by 2 (6 available - 4 that must stay available).
  assert.deepEqual(basicCanaryCounts({ specReplicas: 5, weight: 0, maxSurge: '25%', maxUnavailable: '25%', newRS: rs('new', 3), stableRS: rs('stable', 3), olderRSs: [] }), { canary: 1, stable: 4 });
  // No stable (or the same ReplicaSet): the new one goes to 100%.
  assert.deepEqual(basicCanaryCounts({ specReplicas: 5, weight: 20, maxSurge: '25%', maxUnavailable: '25%', newRS: rs('new', 0), stableRS: undefined, olderRSs: [] }), { canary: 5, stable: 0 });
});

test('currentSetWeight: the last setWeight at or before the step, 100 after the last, 0 when aborted', () => {
  const steps = [{ setWeight: 20 }, { pause: {} }, { analysis: { templates: [{ templateName: 'p99' }] } }, { setWeight: 50 }, { pause: { duration: '30s' } }];
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => currentSetWeight(steps, i, false)), [20, 20, 20, 50, 50, 100]);
  assert.equal(currentSetWeight(steps, 3, true), 0);
  assert.equal(currentSetWeight([{ pause: {} }], 0, false), 0);
  assert.equal(currentSetWeight([], 0, false), 100);
});
