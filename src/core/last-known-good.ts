import { shortHash, type HistoryEntry } from './domain.ts';

export type LastKnownGoodFailure =
  /** Argo CD keeps no history for the app. */
  | 'empty-history'
  /** Only the current entry: nothing older to go back to. */
  | 'single-entry'
  /** Every older entry is the current revision again, or was rolled back from. */
  | 'no-different-revision'
  /** `--to` names an id the history does not hold (never existed, or trimmed). */
  | 'not-in-history'
  /** `--to` names an id newer than the current entry. */
  | 'not-older'
  /** The chosen revision is gone from the config repo. */
  | 'pruned';

export type LastKnownGood =
  | {
      readonly ok: true;
      readonly entry: HistoryEntry;
      /** The history entry the app runs now (the newest one carrying the current revision). */
      readonly current: HistoryEntry;
      /** True when `--to` chose it. */
      readonly requested: boolean;
      /** Older entries passed over on the way, with why (newest first). */
      readonly skipped: readonly { readonly entry: HistoryEntry; readonly why: string }[];
    }
  | { readonly ok: false; readonly code: LastKnownGoodFailure; readonly reason: string; readonly current?: HistoryEntry };

export interface LastKnownGoodOptions {
  /** Revisions the config repo no longer has. */
  readonly pruned?: readonly string[];
  /** For the "trimmed" explanation. */
  readonly revisionHistoryLimit?: number;
}

/**
 * Pre-flight 2: the last-known-good history entry. Argo CD history records no health, so "good"
 * is inferred: the newest entry older than the current one whose revision differs from the
 * current revision and that no later rollback moved away from (after a rollback, the entry
 * before the current one is the bad one again). `requestedId` (`--to`) overrides the choice.
 * Failures are data, never thrown.
 *
 * ### Examples
 * ```ts
 * // history 38..42, 42 = d8f3c2a (current), 41 = a1b2c3d
 * chooseLastKnownGood(history, 'd8f3c2a…')      // { ok: true, entry: { id: 41, … } }
 * chooseLastKnownGood(history, 'd8f3c2a…', 30)  // { ok: false, code: 'not-in-history', reason: 'history id 30 is not …' }
 * ```
 */
export function chooseLastKnownGood(
  history: readonly HistoryEntry[],
  currentRevision: string,
  requestedId?: number,
  options: LastKnownGoodOptions = {},
): LastKnownGood {
  const sorted = byId(history);
  const last = sorted.at(-1);
  if (last === undefined) {
    return { ok: false, code: 'empty-history', reason: 'the Application has no sync history: there is no revision to roll back to' };
  }
  // NOTE: the synced revision is normally the newest entry; when it is not (a sync in flight),
  // the newest entry carrying it is the one the app runs.
  const carrying = findLast(sorted, (e) => e.revision === currentRevision);
  const current = carrying ?? last;
  const pruned = new Set(options.pruned ?? []);
  // A revision no entry holds was applied by a sync that failed midway (domain.ts partialSync):
  // the newest entry is the last successful deploy, and re-applying it undoes the partial apply.
  if (carrying === undefined && requestedId === undefined) {
    return pruned.has(last.revision) ? prunedFailure(last, current) : { ok: true, entry: last, current, requested: false, skipped: [] };
  }
  const range = `${sorted[0]?.id ?? last.id}-${last.id}`;

  if (requestedId !== undefined) {
    const entry = sorted.find((e) => e.id === requestedId);
    if (entry === undefined) {
      const limit = options.revisionHistoryLimit;
      const trimmed = requestedId < (sorted[0]?.id ?? 0) && limit !== undefined ? `; revisionHistoryLimit ${limit} trims older entries` : '';
      return {
        ok: false,
        code: 'not-in-history',
        current,
        reason: `history id ${requestedId} is not in the Application's history (it keeps ids ${range}${trimmed}): pick one of those with --to`,
      };
    }
    if (entry.id > current.id) {
      return { ok: false, code: 'not-older', current, reason: `history id ${requestedId} is newer than the current entry ${current.id}: --to must name an older entry` };
    }
    if (pruned.has(entry.revision)) return prunedFailure(entry, current);
    return { ok: true, entry, current, requested: true, skipped: [] };
  }

  // Entries older than the current one, newest first, without copying the history.
  const below = firstIndexAtOrAbove(sorted, current.id);
  if (below === 0) {
    return {
      ok: false,
      code: 'single-entry',
      current,
      reason: `history holds only the current entry (id ${current.id}): there is nothing older to roll back to; raise revisionHistoryLimit so the next incident has somewhere to go`,
    };
  }
  let rolledBack: ReadonlyMap<number, string> | undefined;
  // NOTE: the first few candidates are judged on their own (`redeployedOver`): the newest older
  // entry is nearly always the answer, and rolledBackFrom of the whole history cost a plan's cold
  // process 15-23 ms at 10,001 entries (issue 19). Past them, the whole map, computed once.
  const upto = firstIndexAtOrAbove(sorted, current.id + 1) - 1;
  const firstAt = new Map<string, number>();
  const firstIndex = (revision: string): number => {
    let at = firstAt.get(revision);
    if (at === undefined) {
      at = 0;
      while (at < upto && sorted[at]!.revision !== revision) at++;
      firstAt.set(revision, at);
    }
    return at;
  };
  const skipped: { entry: HistoryEntry; why: string }[] = [];
  for (let i = below - 1; i >= 0; i--) {
    const entry = sorted[i]!;
    const redeploy = entry.revision === currentRevision ? undefined : below - i <= ALONE ? redeployedOver(sorted, i, upto, firstIndex) : (rolledBack ??= rolledBackOf(sorted, current)).get(entry.id);
    if (entry.revision === currentRevision) {
      skipped.push({ entry, why: `same revision as the current one (${shortHash(currentRevision)})` });
    } else if (redeploy !== undefined) {
      skipped.push({ entry, why: `a later rollback moved away from it (${redeploy})` });
    } else if (pruned.has(entry.revision)) {
      return prunedFailure(entry, current);
    } else {
      return { ok: true, entry, current, requested: false, skipped };
    }
  }
  return {
    ok: false,
    code: 'no-different-revision',
    current,
    reason: `no older history entry has a revision other than ${shortHash(currentRevision)} that was not rolled back from: name a target with --to`,
  };
}

/** How many older entries, newest first, are judged alone before the whole rolledBackFrom map is made. */
const ALONE = 8;

/**
 * rolledBackFrom's answer for `sorted[i]` alone: the first later entry up to `upto` (the current
 * one) that, not automated, redeployed a revision other than its own that was deployed before it.
 */
function redeployedOver(sorted: readonly HistoryEntry[], i: number, upto: number, firstIndex: (revision: string) => number): string | undefined {
  const revision = sorted[i]!.revision;
  for (let k = i + 1; k <= upto; k++) {
    const later = sorted[k]!;
    if (later.initiatedBy?.automated === true || later.revision === revision) continue;
    if (firstIndex(later.revision) < i) return `history ${later.id} redeployed ${shortHash(later.revision)}`;
  }
  return undefined;
}

/** `history` by id, oldest first: itself when it already is (Argo CD's order, and the adapter's). */
function byId(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  for (let i = 1; i < history.length; i++) if (history[i - 1]!.id > history[i]!.id) return [...history].sort((a, b) => a.id - b.id);
  return history;
}

function findLast<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  return undefined;
}

/** The index of the first entry whose id is `id` or more (`sorted` by id); its length when none. */
function firstIndexAtOrAbove(sorted: readonly HistoryEntry[], id: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `rolledBackFrom` once per frozen history and current entry: the plan's facts and its decision
 * both choose the last-known-good entry of the same history (issue 19: ~2 ms each at 10,001
 * entries). A history that is not frozen may change between calls and is never remembered.
 */
const rolledBackMemo = new WeakMap<readonly HistoryEntry[], { readonly current: HistoryEntry; readonly map: ReadonlyMap<number, string> }>();

function rolledBackOf(sorted: readonly HistoryEntry[], current: HistoryEntry): ReadonlyMap<number, string> {
  const known = rolledBackMemo.get(sorted);
  if (known?.current === current) return known.map;
  const map = rolledBackFrom(sorted, current);
  if (Object.isFrozen(sorted) && sorted.every(Object.isFrozen)) rolledBackMemo.set(sorted, { current, map });
  return map;
}

function prunedFailure(entry: HistoryEntry, current: HistoryEntry): LastKnownGood {
  return {
    ok: false,
    code: 'pruned',
    current,
    reason: `revision ${shortHash(entry.revision)} (history ${entry.id}) is no longer in the config repo (pruned or force-pushed away), so Argo CD cannot sync it: pick an older entry with --to, or restore the commit`,
  };
}

/**
 * Entries a later redeploy of an older revision rolled back from: in 41 a1b, 42 d8f, 43 a1b,
 * entry 43 redeployed 41's revision, so 42 was rolled back from. Only redeploys up to the
 * current entry count, and not automated ones: auto-sync re-applying HEAD (the footgun) is no
 * judgement on the entries it replaced.
 */
export function rolledBackFrom(sorted: readonly HistoryEntry[], current: HistoryEntry): Map<number, string> {
  const out = new Map<number, string>();
  const upto = sorted.filter((e) => e.id <= current.id);
  // Linear (near enough) rather than a scan of every earlier entry per entry: the first index of
  // each revision is computed once; each redeploy of revision r only scans past where the previous
  // redeploy of r stopped (everything before that is marked, or r itself); `next` skips runs of
  // marked entries (path-compressed), so each entry is visited O(1) times beyond its own revision's.
  const first = new Map<string, number>();
  upto.forEach((e, i) => {
    if (!first.has(e.revision)) first.set(e.revision, i);
  });
  const scannedTo = new Map<string, number>();
  const next = upto.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (root < next.length && next[root] !== root) root = next[root]!;
    while (i !== root) {
      const up = next[i]!;
      next[i] = root;
      i = up;
    }
    return root;
  };
  upto.forEach((later, k) => {
    const firstIdx = first.get(later.revision)!;
    if (later.initiatedBy?.automated === true || firstIdx >= k - 1) return;
    let i = find(Math.max(firstIdx + 1, scannedTo.get(later.revision) ?? 0));
    while (i < k) {
      const between = upto[i]!;
      if (between.revision !== later.revision) {
        out.set(between.id, `history ${later.id} redeployed ${shortHash(later.revision)}`);
        next[i] = i + 1;
      }
      i = find(i + 1);
    }
    scannedTo.set(later.revision, k);
  });
  return out;
}
