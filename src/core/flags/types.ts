/**
 * Feature flags as rewind sees them: what an app declares in rewind.yaml (`apps[].flags`), the
 * diff hunks of a bad release, and a flag's state as its provider serves it. Plain data: the
 * adapters (`adapters/flags/`) read them, the core judges them.
 */

export type FlagProvider = 'flagd' | 'unleash';

/** flagd flag definitions kept in the config repo and rendered into a ConfigMap (Kustomize configMapGenerator). */
export interface FlagdRef {
  /** The flag-definition JSON file, relative to the config repo's root. */
  readonly file: string;
  /** The ConfigMap the file is rendered into (in the app's namespace), read back after Argo CD syncs. */
  readonly configMap: string;
  /** The ConfigMap's key holding the file (default: the file's base name, as configMapGenerator names it). */
  readonly configMapKey?: string;
}

/** An Unleash feature toggle: the admin API turns it off in `environment`; the client API confirms. */
export interface UnleashRef {
  readonly url: string;
  readonly project: string;
  readonly environment: string;
  /** Environment variables holding the tokens (secrets by reference, never in rewind.yaml). */
  readonly adminTokenEnv: string;
  readonly clientTokenEnv: string;
}

export interface DeclaredFlag {
  readonly key: string;
  readonly provider: FlagProvider;
  /**
   * What the flag gates: path globs in the config repo (`apps/catalog/**\/search-*.yaml`) and
   * config keys (`key:SEARCH_INDEX`). A changed hunk is covered when it is confined to one.
   */
  readonly gates: readonly string[];
  readonly flagd?: FlagdRef;
  readonly unleash?: UnleashRef;
}

/** One hunk of `git diff -U1 last-good..bad`, its context lines kept (a `value:` line needs its `name:`). */
export interface Hunk {
  readonly path: string;
  /** `@@ -a,b +c,d @@` */
  readonly header: string;
  readonly lines: readonly HunkLine[];
}

export interface HunkLine {
  readonly op: ' ' | '+' | '-';
  readonly text: string;
}

/** A boolean flag as a provider serves it with no evaluation context (what an anonymous request gets). */
export interface FlagState {
  readonly key: string;
  /** The evaluated value; null when the flag is missing or not boolean. */
  readonly on: boolean | null;
  /** flagd: the default variant and whether targeting rules can pick another one; Unleash: null/false. */
  readonly defaultVariant: string | null;
  readonly targeting: boolean;
  /** flagd: the variant whose value is `false` (what turning off switches to); null when none. */
  readonly offVariant: string | null;
  /** Where it was read: `git show REV:FILE`, `unleash GET /api/client/features`. */
  readonly source: string;
  /** The definition as its source of truth holds it (flagd: the flag's JSON; Unleash: `{"enabled":…}`): what a restore puts back. */
  readonly snapshot?: string;
}

/** A declared flagd flag before (last-known-good) and after (the bad revision) the release. */
export interface FlagChange {
  readonly key: string;
  readonly file: string;
  readonly before: FlagState | null;
  readonly after: FlagState | null;
  /** The flag's JSON definition differs between the two revisions. */
  readonly definitionChanged: boolean;
}

/** What the plan needs to judge a flag: the bad release's hunks, the flag files' changes, each flag's live state. */
export interface FlagEvidence {
  readonly range: string;
  readonly hunks: readonly Hunk[];
  readonly changes: readonly FlagChange[];
  /** Flag files whose non-flag parts changed ($evaluators, metadata) or flags no declaration names. */
  readonly otherChanges: readonly { readonly file: string; readonly what: string }[];
  /** Every declared flag as its provider serves it now, or why it could not be read. */
  readonly live: readonly ({ readonly key: string; readonly state: FlagState } | { readonly key: string; readonly error: string })[];
}
