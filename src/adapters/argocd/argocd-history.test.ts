import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseTime, toHistory } from './argocd-history.ts';

const viaDate = (t: string): string => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString();
};

test('a timestamp is normalised to what Date makes of it, real instants and the rest alike', () => {
  const cases = [
    '2026-05-20T14:22:13Z',
    '2024-02-29T23:59:59Z',
    '2023-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-05-20T24:00:00Z',
    '2026-05-20T12:60:00Z',
    '2026-05-20T12:00:60Z',
    '0000-01-01T00:00:00Z',
    '2026-05-20T14:22:13.5Z',
    '2026-05-20T14:22:13+02:00',
    '2026-05-20T14:22:13z',
    '2026-05-2OT14:22:13Z',
    '2026-05-20',
    'yesterday',
  ];
  for (const t of cases) assert.equal(normaliseTime(t), viaDate(t), t);
  // Every month's last days, in common, leap and century years, and the fields' edges.
  const two = (n: number) => String(n).padStart(2, '0');
  for (const year of ['1900', '2000', '2023', '2024', '2100'])
    for (let month = 0; month <= 13; month++)
      for (let day = 0; day <= 32; day++) {
        const t = `${year}-${two(month)}-${two(day)}T23:59:59Z`;
        assert.equal(normaliseTime(t), viaDate(t), t);
      }
  for (const hms of ['00:00:00', '19:59:59', '20:00:00', '23:00:00', '09:5:00', '1a:00:00']) {
    const t = `2026-05-20T${hms}Z`;
    assert.equal(normaliseTime(t), viaDate(t), t);
  }
  assert.equal(normaliseTime(undefined), '');
  assert.equal(normaliseTime('2026-05-20T14:22:13Z'), '2026-05-20T14:22:13.000Z');
});

test('history entries keep what Argo CD wrote, sorted by id, each source and initiator as written', () => {
  const source = { repoURL: 'https://git.example/config', path: 'apps/catalog', targetRevision: 'main' };
  const history = toHistory([
    { id: 3, revision: 'c', deployedAt: '2026-05-20T14:00:03Z', source, initiatedBy: { username: 'alice' } },
    { id: '1', revision: '', revisions: ['a'], deployedAt: '2026-05-20T14:00:01Z', deployStartedAt: '2026-05-20T14:00:00Z', sources: [source], initiatedBy: { automated: true } },
    { id: 2, revision: 'b', deployedAt: '2026-05-20T14:00:02+00:00', deployStartedAt: '', source: { ...source, path: '' }, initiatedBy: { automated: true } },
    { id: 4, revision: 'd', deployedAt: '2026-05-20T14:00:04Z', source, initiatedBy: { automated: true } },
    'not an entry',
  ]);
  assert.deepEqual(history, [
    { id: 0, revision: '', deployedAt: '' },
    { id: 1, revision: 'a', deployedAt: '2026-05-20T14:00:01.000Z', deployStartedAt: '2026-05-20T14:00:00.000Z', source, initiatedBy: { automated: true } },
    { id: 2, revision: 'b', deployedAt: '2026-05-20T14:00:02.000Z', source: { repoURL: source.repoURL, targetRevision: 'main' }, initiatedBy: { automated: true } },
    { id: 3, revision: 'c', deployedAt: '2026-05-20T14:00:03.000Z', source, initiatedBy: { username: 'alice' } },
    { id: 4, revision: 'd', deployedAt: '2026-05-20T14:00:04.000Z', source, initiatedBy: { automated: true } },
  ]);
  assert.deepEqual(Object.keys(history[1]!), ['id', 'revision', 'deployedAt', 'deployStartedAt', 'source', 'initiatedBy']);
  assert.ok(Object.isFrozen(history) && history.every((h) => Object.isFrozen(h) && (h.source === undefined || Object.isFrozen(h.source))));
  assert.deepEqual(toHistory(undefined), []);
});
