import type { ApplicationsSyncPolicy, SyncPolicy } from './domain.ts';
import { S, type Schema } from './schema.ts';

/**
 * The hold: what a run changed on an Argo CD Application, written on the Application itself (an
 * annotation) by the run's first mutating step, so every rewind on any host, and every person in
 * the Argo CD UI, sees who holds the app, why, and everything needed to give it back — another
 * host has no journal for the run, so `finish`, `abandon --app` and `release` act from this alone.
 */
export const HOLD_ANNOTATION = 'rewind.io/hold';

export interface Hold {
  readonly runId: string;
  readonly app: string;
  readonly actor: string;
  readonly host: string;
  /** ISO-8601 UTC, when the hold was written. */
  readonly at: string;
  readonly reason?: string;
  /** The bad revision whose revert the run waits for. */
  readonly badRevision: string;
  /** What the run found and will give back. */
  readonly saved: {
    readonly syncPolicy: SyncPolicy;
    /** The targetRevision before a pin, when the run pins. */
    readonly targetRevision?: string;
    /** The owner the run holds and what it had: a set's applicationsSync (null: unset), a parent's sync policy. */
    readonly owner?: SavedOwner;
    /**
     * Flags the run's kill switch turns off, each with its definition before (what `rewind flags
     * restore` puts back): another host has no journal for the run, only this.
     */
    readonly flags?: readonly SavedFlag[];
  };
  /** `active`: a run holds it; `left`: an abandoned run left it changed until `rewind release`. */
  readonly state: 'active' | 'left';
}

/** Where a hold is written: the app, or its ApplicationSet when the set would wipe the app's annotations. */
export type HoldLocation = { readonly kind: 'Application' } | { readonly kind: 'ApplicationSet'; readonly name: string };

export interface SavedFlag {
  readonly key: string;
  readonly provider: 'flagd' | 'unleash';
  readonly previous: string;
}

export const savedFlagSchema: Schema<SavedFlag> = S.object({ key: S.string(), provider: S.literal('flagd', 'unleash'), previous: S.string() });

export type SavedOwner =
  | { readonly kind: 'ApplicationSet'; readonly name: string; readonly applicationsSync: ApplicationsSyncPolicy | null }
  | { readonly kind: 'Application'; readonly name: string; readonly syncPolicy: SyncPolicy };

export const syncPolicySchema: Schema<SyncPolicy> = S.object({
  automated: S.nullable(S.object({ prune: S.boolean(), selfHeal: S.boolean(), enabled: S.boolean() })),
});

const APPLICATIONS_SYNC = ['create-only', 'create-update', 'create-delete', 'sync'] as const;
export const savedOwnerSchema: Schema<SavedOwner> = S.union(
  S.object({ kind: S.literal('ApplicationSet'), name: S.string(), applicationsSync: S.nullable(S.literal(...APPLICATIONS_SYNC)) }),
  S.object({ kind: S.literal('Application'), name: S.string(), syncPolicy: syncPolicySchema }),
);

export const holdSchema: Schema<Hold> = S.object({
  runId: S.string(),
  app: S.string(),
  actor: S.string(),
  host: S.string(),
  at: S.string(),
  reason: S.optional(S.string()),
  badRevision: S.string(),
  saved: S.object({ syncPolicy: syncPolicySchema, targetRevision: S.optional(S.string()), owner: S.optional(savedOwnerSchema), flags: S.optional(S.array(savedFlagSchema)) }),
  state: S.literal('active', 'left'),
});

/** An annotation value that is not a hold rewind can read still holds the app: it is never ignored. */
export type HoldReading = { readonly ok: true; readonly hold: Hold } | { readonly ok: false; readonly raw: string; readonly problem: string };

export function readHold(raw: string): HoldReading {
  try {
    return { ok: true, hold: holdSchema.parse(JSON.parse(raw), HOLD_ANNOTATION) };
  } catch (e) {
    return { ok: false, raw: raw.slice(0, 200), problem: (e as Error).message };
  }
}

/** The hold read is `runId`'s own (an unreadable one is nobody's: it holds against every run). */
export const heldBy = (reading: HoldReading | undefined, runId: string): boolean => reading?.ok === true && reading.hold.runId === runId;

/** "30 min", "5 h": how long ago, as a person reads it in a refusal. */
export const age = (from: string, now: string): string => {
  const minutes = Math.max(0, Math.round((Date.parse(now) - Date.parse(from)) / 60_000));
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
};

/** One line a person can act on: who holds the app, since when, why, and what to do. */
export function describeHold(reading: HoldReading, now: string): string {
  if (!reading.ok) return `the app carries a ${HOLD_ANNOTATION} annotation rewind cannot read (${reading.problem}); treat it as held and remove it by hand only if you know no run owns it`;
  const h = reading.hold;
  const who = `${h.actor}@${h.host}, ${age(h.at, now)} ago${h.reason ? `: ${h.reason}` : ''}`;
  if (h.state === 'left') return `left changed by abandoned run ${h.runId} (${who}); when the app is as it should be: rewind release ${h.app}`;
  return `held by run ${h.runId} (${who}); once the revert of ${h.badRevision.slice(0, 7)} lands: rewind finish ${h.app}; or end it: rewind abandon --app ${h.app} --reason TEXT --restore|--leave`;
}
