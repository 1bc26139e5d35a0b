import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployedRevision, shortHash, type HistoryEntry } from './domain.ts';
import { fullHash } from '../testing/fake-facts.ts';
import { chooseLastKnownGood, rolledBackFrom } from './last-known-good.ts';

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

/** The definition, written the obvious quadratic way: the linear rolledBackFrom must agree with it. */
function rolledBackFromByDefinition(sorted: readonly HistoryEntry[], current: HistoryEntry): Map<number, string> {
  const out = new Map<number, string>();
  const upto = sorted.filter((e) => e.id <= current.id);
  upto.forEach((later, k) => {
    const firstIdx = upto.findIndex((e) => e.revision === later.revision);
    if (later.initiatedBy?.automated === true || firstIdx >= k - 1) return;
    for (const between of upto.slice(firstIdx + 1, k)) {
      if (between.revision !== later.revision && !out.has(between.id)) out.set(between.id, `history ${later.id} redeployed ${shortHash(later.revision)}`);
    }
  });
  return out;
}

describe('rolledBackFrom', () => {
  it('marks the entries a redeploy of an older revision moved away from, each with the first such redeploy', () => {
    const history = [h(40, 'a1b2c3d'), h(41, 'd8f3c2a'), h(42, 'a1b2c3d'), h(43, '5a4b3c2'), h(44, 'd8f3c2a'), h(45, '9e8d7c6', true), h(46, '1f2e3d4', true), h(47, '9e8d7c6', true)];
    const marks = rolledBackFrom(history, history.at(-1)!);
    assert.deepEqual([...marks.entries()].sort((a, b) => a[0] - b[0]), [
      [41, 'history 42 redeployed a1b2c3d'],
      [42, 'history 44 redeployed d8f3c2a'],
      [43, 'history 44 redeployed d8f3c2a'],
    ]);
  });
  it('agrees with the definition on random histories (few revisions, many redeploys, some automated)', () => {
    let seedValue = 7;
    const random = (n: number) => {
      seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31;
      return seedValue % n;
    };
    const revs = ['1f2e3d4', '5a4b3c2', '9e8d7c6', 'a1b2c3d', 'd8f3c2a', 'b7c1e90'];
    for (let round = 0; round < 300; round++) {
      const length = 1 + random(40);
      const distinct = 1 + random(revs.length);
      const history = Array.from({ length }, (_, i) => h(i + 1, revs[random(distinct)]!, random(4) === 0));
      const current = history[random(length)]!;
      const got = [...rolledBackFrom(history, current).entries()].sort((a, b) => a[0] - b[0]);
      const want = [...rolledBackFromByDefinition(history, current).entries()].sort((a, b) => a[0] - b[0]);
      assert.deepEqual(got, want, `history ${history.map((e) => `${e.id}:${e.revision.slice(0, 1)}${e.initiatedBy?.automated ? '*' : ''}`).join(' ')} current ${current.id}`);
    }
  });
});

describe('chooseLastKnownGood judging the newest candidates alone', () => {
  /** The choice written from the definition: every older entry judged against the whole rolledBackFrom map. */
  function chooseByDefinition(history: readonly HistoryEntry[], currentRevision: string) {
    const sorted = [...history].sort((a, b) => a.id - b.id);
    const current = sorted.findLast((e) => e.revision === currentRevision) ?? sorted.at(-1)!;
    const marks = rolledBackFromByDefinition(sorted, current);
    const skipped: { id: number; why: string }[] = [];
    if (sorted.indexOf(current) === 0) return { chosen: 'single-entry', skipped };
    for (let i = sorted.indexOf(current) - 1; i >= 0; i--) {
      const e = sorted[i]!;
      if (e.revision === currentRevision) skipped.push({ id: e.id, why: `same revision as the current one (${shortHash(currentRevision)})` });
      else if (marks.has(e.id)) skipped.push({ id: e.id, why: `a later rollback moved away from it (${marks.get(e.id)})` });
      else return { chosen: e.id, skipped };
    }
    return { chosen: 'no-different-revision', skipped };
  }
  it('agrees with the definition on random histories, long runs of skipped entries included', () => {
    let seedValue = 11;
    const random = (n: number) => {
      seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31;
      return seedValue % n;
    };
    const revs = ['1f2e3d4', '5a4b3c2', '9e8d7c6', 'a1b2c3d'];
    let longRuns = 0;
    for (let round = 0; round < 600; round++) {
      const length = 1 + random(60);
      const distinct = 1 + random(revs.length);
      const history = Array.from({ length }, (_, i) => h(i + 1, revs[random(distinct)]!, random(4) === 0));
      const currentRevision = history[random(length)]!.revision;
      const r = chooseLastKnownGood(history, currentRevision);
      const got = { chosen: id(r), skipped: r.ok ? r.skipped.map((s) => ({ id: s.entry.id, why: s.why })) : [] };
      const want = chooseByDefinition(history, currentRevision);
      if (want.skipped.length > 8) longRuns++;
      if (!r.ok) want.skipped = [];
      assert.deepEqual(got, want, `history ${history.map((e) => `${e.id}:${e.revision.slice(0, 1)}${e.initiatedBy?.automated ? '*' : ''}`).join(' ')} current ${currentRevision.slice(0, 1)}`);
    }
    assert.ok(longRuns > 10, `runs of more than 8 skipped entries (past the ones judged alone) were tried: ${longRuns}`);
  });
});

describe('a history asked about twice', () => {
  it('a frozen history gives the same answer each time, unsorted or not', () => {
    const frozen = Object.freeze([h(40, 'a1b2c3d'), h(41, 'd8f3c2a'), h(42, 'a1b2c3d'), h(43, 'd8f3c2a')].map((e) => Object.freeze(e)));
    const first = chooseLastKnownGood(frozen, fullHash('d8f3c2a'));
    assert.deepEqual(chooseLastKnownGood(frozen, fullHash('d8f3c2a')), first);
    assert.equal(id(first), 40);
    const shuffled = Object.freeze([frozen[2]!, frozen[0]!, frozen[3]!, frozen[1]!]);
    assert.deepEqual(chooseLastKnownGood(shuffled, fullHash('d8f3c2a')), first);
    assert.equal(deployedRevision({ history: shuffled, sync: { status: 'Synced', revision: '' } }), fullHash('d8f3c2a'));
  });

  it('a history that is not frozen is read again: a rollback appended since the last call counts', () => {
    const history = [h(40, '9e8d7c6'), h(41, 'a1b2c3d'), h(42, 'd8f3c2a')];
    const app = { history, sync: { status: 'Synced' as const, revision: '' } };
    assert.equal(deployedRevision(app), fullHash('d8f3c2a'));
    assert.equal(id(chooseLastKnownGood(history, fullHash('d8f3c2a'))), 41);
    // 43 rolls back to a1b2c3d by hand; then 44 deploys d8f3c2a again: 41 was left by a rollback
    // that did not stick, 42 and 43 are the bad revision and its rollback.
    history.push(h(43, 'a1b2c3d'), h(44, 'd8f3c2a'));
    assert.equal(deployedRevision(app), fullHash('d8f3c2a'));
    const again = chooseLastKnownGood(history, fullHash('d8f3c2a'));
    assert.equal(id(again), 41);
    history.push(h(45, '5a4b3c2'));
    assert.equal(deployedRevision(app), fullHash('5a4b3c2'));
    assert.equal(id(chooseLastKnownGood(history, fullHash('5a4b3c2'))), 44);
  });
});
