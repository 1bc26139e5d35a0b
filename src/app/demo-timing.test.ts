import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReachedEntry } from '../sandbox/reached-log.ts';
import { waitHealthyReachedAt } from './demo-timing.ts';

const workload = { cluster: 'us-east', namespace: 'shop', kind: 'Deployment' as const, name: 'catalog' };
const want = { app: 'catalog-us-east', revision: 'good', workload };
const app = (at: number, phase: string, revision: string, health: string): ReachedEntry => ({ at, what: 'app', app: 'catalog-us-east', phase, revision, health, sync: 'OutOfSync' });
const rolled = (at: number, rolledOut: boolean): ReachedEntry => ({ at, what: 'workload', ...workload, generation: 5, rolledOut });

test('waitHealthyReachedAt: the later of the operation on the target while Healthy and the last rollout, within the wait', () => {
  // As the sandbox logs it: Healthy for an instant after the sync, Progressing until the rollout ends.
  const entries = [app(50, 'Succeeded', 'bad', 'Healthy'), rolled(60, true), app(100, 'Running', 'good', 'Healthy'), rolled(110, false), app(115, 'Succeeded', 'good', 'Healthy'), app(120, 'Succeeded', 'good', 'Progressing'), rolled(300, true), app(340, 'Succeeded', 'good', 'Healthy')];
  assert.equal(waitHealthyReachedAt(entries, want, 90, 400), 340);
  // The workload finishing last decides it.
  assert.equal(waitHealthyReachedAt([...entries.slice(0, 6), app(200, 'Succeeded', 'good', 'Healthy'), rolled(300, true)], want, 90, 400), 300);
  // Noticed before the app came back to Healthy: no measure (rewind cannot have seen a state not reached).
  assert.equal(waitHealthyReachedAt(entries, want, 90, 330), undefined);
});

test('waitHealthyReachedAt: no record of the state (another revision, or after the notice) is no measure', () => {
  assert.equal(waitHealthyReachedAt([app(100, 'Succeeded', 'bad', 'Healthy')], want, 90, 400), undefined);
  assert.equal(waitHealthyReachedAt([app(500, 'Succeeded', 'good', 'Healthy')], want, 90, 400), undefined);
  assert.equal(waitHealthyReachedAt([], want, 90, 400), undefined);
});
