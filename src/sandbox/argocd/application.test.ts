import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendHistory, isAutoSyncEnabled, type RevisionHistory } from './application.ts';

const source = { repoURL: 'file:///repo.git', path: 'apps/catalog/us-east', targetRevision: 'main' };
const entry = (id: number): RevisionHistory => ({ id, revision: `${id}`.padStart(40, 'a'), deployedAt: '2026-05-20T11:08:51Z', source, initiatedBy: { automated: true } });

test('history appends id = last + 1 and keeps the newest revisionHistoryLimit entries', () => {
  const ten = Array.from({ length: 10 }, (_, i) => entry(32 + i));
  const next = appendHistory(ten, { revision: 'b'.repeat(40), deployedAt: '2026-05-20T14:22:13Z', source, initiatedBy: { automated: true } }, 10);
  assert.deepEqual(next.map((h) => h.id), [33, 34, 35, 36, 37, 38, 39, 40, 41, 42]);
  const three = appendHistory(ten, { revision: 'c'.repeat(40), deployedAt: '2026-05-20T14:22:13Z', source, initiatedBy: { username: 'admin' } }, 3);
  assert.deepEqual(three.map((h) => h.id), [40, 41, 42]);
});

test('the first history entry has id 0, as upstream', () => {
  assert.equal(appendHistory([], { revision: 'a'.repeat(40), deployedAt: 'x', source, initiatedBy: {} }, 10)[0]?.id, 0);
});

test('auto-sync is on while the automated block exists and is not switched off', () => {
  const spec = (automated?: object) => ({ project: 'p', source, destination: { name: 'us-east', namespace: 'n' }, syncPolicy: automated ? { automated } : {} });
  assert.equal(isAutoSyncEnabled(spec({ prune: true })), true);
  assert.equal(isAutoSyncEnabled(spec({ prune: true, enabled: true })), true);
  assert.equal(isAutoSyncEnabled(spec({ prune: true, enabled: false })), false);
  assert.equal(isAutoSyncEnabled(spec()), false);
});
