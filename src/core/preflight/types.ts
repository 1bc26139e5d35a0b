import type { GitOpsFacts, Policy } from '../facts.ts';
import type { LastKnownGood } from '../last-known-good.ts';
import type { PreflightCheck } from '../plan.ts';

/** What every pre-flight check reads. */
export interface PreflightInput {
  readonly facts: GitOpsFacts;
  readonly policy: Policy;
  readonly lkg: LastKnownGood;
}

/** One check's answer, plus what it adds to the plan's warnings and refusal reasons. */
export interface PreflightResult {
  readonly check: PreflightCheck;
  readonly warnings: readonly string[];
  /** Non-empty: rewind must not execute; each says why and what to do instead. */
  readonly refusals: readonly string[];
}

export type Preflight = (input: PreflightInput) => PreflightResult | null;

export function result(check: PreflightCheck, warnings: readonly string[] = [], refusals: readonly string[] = []): PreflightResult {
  return { check, warnings, refusals };
}
