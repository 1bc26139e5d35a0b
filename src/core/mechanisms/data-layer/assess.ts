import { shortHash, type HistoryEntry, type MigrationDown, type MigrationWindow } from '../../domain.ts';
import type { Fact, GitOpsFacts } from '../../facts.ts';
import type { LastKnownGood } from '../../last-known-good.ts';
import type { Evidence } from '../../plan.ts';

/** The seed's data-layer runbook, named by the schema check and the handoff alike. */
export const PITR_RUNBOOK = 'data-rollback-postgres-pitr.md';

type WindowFile = MigrationWindow['files'][number];

/** Where a point-in-time restore should land, and why that moment. */
export interface RestorePoint {
  /** ISO-8601 UTC. */
  readonly at: string;
  /** `migration-start`: the bad sync's start (its PreSync hooks, the migration, ran after it); `last-known-good`: the good deploy's end (the start is unknown). */
  readonly basis: 'migration-start' | 'last-known-good';
  readonly claim: string;
  readonly source: string;
}

/**
 * What the data layer needs before code may roll back, judged from Step 0's window:
 * - `not-needed`: no migration, or only ones the old binary survives (or Step 0 cannot say; the
 *   schema check speaks for those);
 * - `down`: every unsafe migration has its down file: run them, then roll the code back;
 * - `handoff`: an unsafe migration has no down: the code rollback is refused and the data layer's
 *   runbook (PITR) restores to `restore`, losing every write since.
 */
export type DataLayerNeed =
  | { readonly kind: 'not-needed'; readonly reason: string }
  | { readonly kind: 'down'; readonly files: readonly (WindowFile & { readonly down: MigrationDown & { readonly path: string } })[]; readonly restore: RestorePoint; readonly lostMinutes: number }
  | { readonly kind: 'handoff'; readonly files: readonly WindowFile[]; readonly restore: RestorePoint; readonly lostMinutes: number };

/**
 * The moment to restore to: just before the bad release's migration ran. Argo CD starts PreSync
 * hooks (where migrations run) when the sync starts, so the first deploy after the last-known-good
 * bounds it by its `deployStartedAt`; without it, the last-known-good deploy's end is the latest
 * moment known to be before the migration (restoring there loses a little more).
 */
export function restorePoint(history: readonly HistoryEntry[], lkg: HistoryEntry, source: string): RestorePoint {
  const next = history.filter((h) => h.id > lkg.id).sort((a, b) => a.id - b.id)[0];
  if (next?.deployStartedAt) {
    return {
      at: next.deployStartedAt, basis: 'migration-start', source,
      claim: `the sync of history ${next.id} (${shortHash(next.revision)}) began at ${next.deployStartedAt}; its migration ran after that`,
    };
  }
  return {
    at: lkg.deployedAt, basis: 'last-known-good', source,
    claim: `history ${lkg.id} (${shortHash(lkg.revision)}, last-known-good) finished deploying at ${lkg.deployedAt}; when the migration started is not recorded, so this is the latest moment known to be before it`,
  };
}

export function assessDataLayer(facts: GitOpsFacts, lkg: LastKnownGood): DataLayerNeed {
  const fact: Fact<MigrationWindow> | undefined = facts.migrations;
  if (fact === undefined) return { kind: 'not-needed', reason: 'Step 0 did not run (no migrations glob or no window), so no data change is known' };
  const w = fact.value;
  if (w.verdict === 'none') return { kind: 'not-needed', reason: 'no migration shipped in the window: the data layer needs nothing' };
  if (w.verdict === 'safe') return { kind: 'not-needed', reason: 'the window\'s migrations are safe for the old binary: the schema can stay' };
  if (w.verdict !== 'unsafe') return { kind: 'not-needed', reason: `the window's migrations are ${w.verdict}, not known unsafe: Step 0's schema check decides` };
  if (!lkg.ok) return { kind: 'not-needed', reason: `no last-known-good deploy to restore towards: ${lkg.reason}` };
  const unsafe = w.files.filter((f) => f.verdict === 'unsafe');
  const restore = restorePoint(facts.application.value.history, lkg.entry, facts.application.source);
  const lostMinutes = Math.max(0, Math.round((Date.parse(facts.now) - Date.parse(restore.at)) / 60_000));
  const withDown = unsafe.filter((f): f is WindowFile & { down: MigrationDown & { path: string } } => f.down?.exists === true && f.down.path !== undefined);
  if (withDown.length === unsafe.length) return { kind: 'down', files: withDown, restore, lostMinutes };
  return { kind: 'handoff', files: unsafe.filter((f) => !withDown.includes(f as (typeof withDown)[number])), restore, lostMinutes };
}

/** "42 min", "3 h 5 min": how long a span of lost writes is. */
export function formatMinutes(m: number): string {
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The handoff as evidence: the unsafe files (from Step 0), the restore point (from Argo CD's history), what is lost. */
export function handoffEvidence(need: Extract<DataLayerNeed, { kind: 'handoff' | 'down' }>, migrationsSource: string, now: string): Evidence[] {
  return [
    ...need.files.map((f) => ({ claim: `${f.path}: unsafe${f.reasons.length ? ` (${f.reasons.join('; ')})` : ''}; ${f.down?.exists ? `down ${f.down.path ?? ''}` : f.down?.path ? `no down file (${f.down.path} does not exist)` : 'the layout has no down file'}`, source: migrationsSource })),
    { claim: `restore point ${need.restore.at}: ${need.restore.claim}`, source: need.restore.source },
    { claim: `a restore to ${need.restore.at} loses every write since then (${formatMinutes(need.lostMinutes)} until ${now})`, source: 'clock' },
  ];
}
