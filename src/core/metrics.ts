/**
 * What a metrics store answers, in rewind's terms: the Prometheus HTTP API's `resultType`s
 * (vector, scalar, matrix) with values as numbers. Prometheus sends sample values as strings so
 * that "NaN", "+Inf" and "-Inf" survive JSON; they are parsed to NaN and ±Infinity here and kept
 * that way, because a NaN p99 (no requests in the window) must never read as "below 0.5".
 */

/** A series' identity: `{__name__: "up", job: "api"}`. */
export type Labels = Readonly<Record<string, string>>;

/** One sample: seconds since the epoch (as Prometheus reports it) and the value. */
export interface Sample {
  readonly t: number;
  readonly v: number;
}

export type QueryResult =
  | { readonly kind: 'vector'; readonly series: readonly { readonly labels: Labels; readonly sample: Sample }[] }
  | { readonly kind: 'scalar'; readonly sample: Sample }
  | { readonly kind: 'matrix'; readonly series: readonly { readonly labels: Labels; readonly samples: readonly Sample[] }[] };

/** An alert as Prometheus (`/api/v1/alerts`) or Alertmanager (`/api/v2/alerts`) reports it. */
export interface MetricsAlert {
  readonly name: string;
  readonly labels: Labels;
  /** Prometheus' rule states; Alertmanager's `active` is reported as `firing`. */
  readonly state: 'pending' | 'firing' | 'inactive';
  /** ISO-8601: when the rule became active (Prometheus `activeAt`, Alertmanager `startsAt`). */
  readonly activeAt?: string;
  /** The value that made it fire, when the source says (Prometheus only). */
  readonly value?: number;
  /** Where the answer came from: "prometheus" or "alertmanager". */
  readonly source: 'prometheus' | 'alertmanager';
}

/** Parses a Prometheus sample value: "NaN", "+Inf", "-Inf" and decimal floats. */
export function parseSampleValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const v = Number(text);
  // Number('') is 0: an empty or garbled value must not pass as a measurement.
  return text.trim() === '' ? Number.NaN : v;
}

/** Every sample value of a result, flattened the way Argo Rollouts' Prometheus provider does. */
export function resultValues(result: QueryResult): readonly number[] {
  switch (result.kind) {
    case 'scalar':
      return [result.sample.v];
    case 'vector':
      return result.series.map((s) => s.sample.v);
    case 'matrix':
      return result.series.flatMap((s) => s.samples.map((x) => x.v));
  }
}
