import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEntry } from './domain.ts';
import { fullHash } from '../testing/fake-facts.ts';
import { chooseLastKnownGood } from './last-known-good.ts';

const h = (id: number, rev: string, automated = false): HistoryEntry => ({ id, revision: fullHash(rev), deployedAt: `2026-05-20T${String(id % 24).padStart(2, '0')}:00:00Z`, initiatedBy: { automated } });
const seed = [h(38, '1f2e3d4'), h(39, '5a4b3c2'), h(40, '9e8d7c6'), h(41, 'a1b2c3d'), h(42, 'd8f3c2a', true)];
const id = (r: ReturnType<typeof chooseLastKnownGood>) => (r.ok ? r.entry.id : r.code);

describe('chooseLastKnownGood', () => {
  it('picks the newest older entry whatever order the history comes in', () => {
    assert.equal(id(chooseLastKnownGood([...seed].reverse(), fullHash('d8f3c2a'))), 41);
  });
  it('answers with data, not exceptions, for an empty history and a newer --to', () => {
    assert.equal(id(chooseLastKnownGood([], 'x')), 'empty-history');
    assert.equal(id(chooseLastKnownGood(seed, fullHash('a1b2c3d'), 42)), 'not-older');
  });
  it('treats the newest entry with the synced revision as current while a sync is in flight', () => {
    const r = chooseLastKnownGood(seed, fullHash('a1b2c3d'));
    assert.equal(r.ok && r.current.id, 41);
    assert.equal(id(r), 40);
  });
  it('ignores automated redeploys when looking for rollbacks (auto-sync re-applying HEAD judges nothing)', () => {
    const history = [...seed, h(43, 'a1b2c3d'), h(44, 'd8f3c2a', true)];
    assert.equal(id(chooseLastKnownGood(history, fullHash('d8f3c2a'))), 43);
  });
  it('says when every older entry is the current revision', () => {
    assert.equal(id(chooseLastKnownGood([h(41, 'd8f3c2a'), h(42, 'd8f3c2a')], fullHash('d8f3c2a'))), 'no-different-revision');
  });
});

describe('after a sync that failed midway', () => {
  const seed = [h(40, 'b7c1e90'), h(41, 'a1b2c3d')];
  it('the running revision is in no entry: the newest entry (the last successful deploy) is the last-known-good', () => {
    const r = chooseLastKnownGood(seed, fullHash('d8f3c2a'));
    assert.ok(r.ok);
    assert.equal(r.entry.id, 41);
  });
  it('--to still chooses, and a pruned newest entry is refused', () => {
    assert.equal(id(chooseLastKnownGood(seed, fullHash('d8f3c2a'), 40)), 40);
    assert.equal(id(chooseLastKnownGood(seed, fullHash('d8f3c2a'), undefined, { pruned: [fullHash('a1b2c3d')] })), 'pruned');
  });
});
