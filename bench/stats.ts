/**
 * The bench's statistics: every figure is the median of at least `MIN_RUNS` runs, with min and max,
 * so one noisy run on a shared machine moves nothing and the spread is there to see.
 */
import { performance } from 'node:perf_hooks';

export const MIN_RUNS = 7;

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** Median (mean of the middle two for an even count), min and max, rounded to 0.1. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.length !== values.length) throw new Error(`summarize: ${values.length - finite.length} of ${values.length} values are not numbers`);
  const s = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { median: r(median), min: r(s[0]!), max: r(s[s.length - 1]!), runs: s.length };
}

/** "123.4 (118.0-160.2)": median, then the range. */
export function show(s: Summary, unit = 'ms'): string {
  return `${s.median} ${unit} (${s.min}-${s.max})`;
}

/** a/b of the medians, 2 decimals; undefined when b is not a positive number (nothing to compare). */
export function ratio(a: Summary, b: Summary): number | undefined {
  if (!(b.median > 0)) return undefined;
  return Math.round((a.median / b.median) * 100) / 100;
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Runs each named side once per round, round after round, so drift in the machine's load hits
 * every side alike; `warmups` rounds first, not counted.
 */
export async function interleaved<K extends string>(sides: Readonly<Record<K, () => Promise<unknown>>>, runs = MIN_RUNS, warmups = 1): Promise<Record<K, Summary>> {
  if (runs < MIN_RUNS) throw new Error(`interleaved: at least ${MIN_RUNS} runs, not ${runs}`);
  const names = Object.keys(sides) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmups + runs; round++) {
    for (const n of names) {
      const ms = await timeMs(sides[n]);
      if (round >= warmups) times[n].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(times[n])])) as Record<K, Summary>;
}
