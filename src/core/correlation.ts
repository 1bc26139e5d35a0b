export interface Correlation {
  /** `strong`: landed within the window and before the alert; `weak`: it may not be the cause. */
  readonly signal: 'strong' | 'weak';
  /** Minutes from the deploy to the alert (or to now when there is no alert time); negative when the deploy came after. */
  readonly minutes: number;
  /** What the minutes are measured against. */
  readonly reference: 'alert' | 'now';
  readonly detail: string;
}

export interface CorrelationInput {
  /** ISO-8601: when the current sync landed. */
  readonly deployedAt: string;
  /** ISO-8601: when the alert fired; without it the deploy is measured against `now`. */
  readonly alertAt?: string | undefined;
  /** ISO-8601: when the facts were gathered (the core has no clock). */
  readonly now: string;
  readonly windowMinutes: number;
}

/**
 * The seed's "landed in the last 30 minutes and the alert fired after that timestamp" test.
 * A deploy after the alert, or older than the window, is a weak signal: "deploy may not be the cause".
 *
 * ### Examples
 * ```ts
 * correlate({ deployedAt: '2026-05-20T14:22:13Z', alertAt: '2026-05-20T14:30:00Z', now: '…', windowMinutes: 30 })
 * // { signal: 'strong', minutes: 8, reference: 'alert', detail: 'the sync landed 8 min before the alert: …' }
 * ```
 */
export function correlate(input: CorrelationInput): Correlation {
  const deployed = Date.parse(input.deployedAt);
  const reference = input.alertAt === undefined ? 'now' : 'alert';
  const refMs = Date.parse(input.alertAt ?? input.now);
  const minutes = Math.round((refMs - deployed) / 60_000);
  const against = reference === 'alert' ? 'the alert' : 'now (no alert time given; pass --alert-at)';
  if (Number.isNaN(minutes)) {
    return { signal: 'weak', minutes: 0, reference, detail: `cannot compare the sync time "${input.deployedAt}" with ${against}` };
  }
  if (refMs < deployed) {
    const what = reference === 'alert' ? `the alert fired ${-minutes} min before the sync landed` : 'the sync time is in the future';
    return { signal: 'weak', minutes, reference, detail: `${what}: the deploy may not be the cause` };
  }
  if (minutes > input.windowMinutes) {
    return {
      signal: 'weak',
      minutes,
      reference,
      detail: `the sync landed ${minutes} min before ${against}, outside the ${input.windowMinutes}-min window: the deploy may not be the cause`,
    };
  }
  return {
    signal: 'strong',
    minutes,
    reference,
    detail: `the sync landed ${minutes} min before ${against}: strong signal the deploy caused the regression`,
  };
}
