import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxSurgeAndUnavailable, planRollout, type ReplicaSetFacts, type RolloutFacts } from './rollout-plan.ts';

const rs = (name: string, revision: number, specReplicas: number, available = specReplicas): ReplicaSetFacts => ({ name, revision, specReplicas, replicas: specReplicas, availableReplicas: available });
const facts = (over: Partial<RolloutFacts>): RolloutFacts => ({
  desired: 3,
  strategy: 'RollingUpdate',
  maxSurge: undefined,
  maxUnavailable: undefined,
  newRS: rs('new', 2, 0),
  oldRSs: [rs('old', 1, 3)],
  ...over,
});

describe('planRollout', () => {
  it('resolves 25% surge up and 25% unavailable down, never both zero', () => {
    assert.deepEqual(maxSurgeAndUnavailable({ desired: 3, maxSurge: undefined, maxUnavailable: undefined }), { surge: 1, unavailable: 0 });
    assert.deepEqual(maxSurgeAndUnavailable({ desired: 10, maxSurge: '25%', maxUnavailable: '25%' }), { surge: 3, unavailable: 2 });
    assert.deepEqual(maxSurgeAndUnavailable({ desired: 3, maxSurge: 0, maxUnavailable: 0 }), { surge: 0, unavailable: 1 });
  });

  it('surges one new pod first and keeps every old pod while it is unavailable', () => {
    assert.deepEqual([...planRollout(facts({}))], [['new', 1]]);
    assert.deepEqual([...planRollout(facts({ newRS: rs('new', 2, 1, 0) }))], []);
  });

  it('scales an old pod down once a new one is available', () => {
    assert.deepEqual([...planRollout(facts({ newRS: rs('new', 2, 1, 1) }))], [['old', 2]]);
  });

  it('scales unhealthy old pods down first', () => {
    const plan = planRollout(facts({ newRS: rs('new', 3, 1, 0), oldRSs: [rs('older', 1, 1, 0), rs('old', 2, 3, 3)] }));
    assert.equal(plan.get('older'), 0);
  });

  it('with Recreate, empties the old ReplicaSets before starting new pods', () => {
    const base = { strategy: 'Recreate' as const };
    assert.deepEqual([...planRollout(facts(base))], [['old', 0]]);
    assert.deepEqual([...planRollout(facts({ ...base, oldRSs: [{ ...rs('old', 1, 0), replicas: 2 }] }))], [], 'old pods still terminating');
    assert.deepEqual([...planRollout(facts({ ...base, oldRSs: [rs('old', 1, 0)] }))], [['new', 3]]);
  });
});
