/**
 * rate(), increase() and irate() over one series' points, as Prometheus 2.x computes them:
 * promql/functions.go `extrapolatedRate` and `instantValue` (v2.42.0), read line by line.
 * Prometheus 3.x keeps this extrapolation, but its range selectors are left-open
 * (t-range, t], so a sample exactly at the window's start no longer counts.
 */
export interface Point {
  /** ms */
  readonly t: number;
  readonly v: number;
}

/**
 * `rangeStartMs`/`rangeEndMs` are the selector's window (eval time minus range and offset).
 * Undefined when there are fewer than two points: Prometheus drops the series.
 */
export function extrapolatedRate(points: readonly Point[], rangeStartMs: number, rangeEndMs: number, isCounter: boolean, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let result = last.v - first.v;
  if (isCounter) {
    let prev = first.v;
    for (let i = 1; i < points.length; i++) {
      const cur = points[i]!.v;
      // A counter reset: what was counted before the reset still counts.
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (first.t - rangeStartMs) / 1000;
  const durationToEnd = (rangeEndMs - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (points.length - 1);
  if (isCounter && result > 0 && first.v >= 0) {
    // Counters cannot go below zero: do not extrapolate the start past the zero point.
    const durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= (rangeEndMs - rangeStartMs) / 1000;
  return result * factor;
}

/** irate(): the last two points; a drop is a counter reset (the last value counts from zero). */
export function instantRate(points: readonly Point[]): number | undefined {
  if (points.length < 2) return undefined;
  const last = points[points.length - 1]!;
  const prev = points[points.length - 2]!;
  const value = last.v < prev.v ? last.v : last.v - prev.v;
  const interval = last.t - prev.t;
  if (interval === 0) return undefined;
  return value / (interval / 1000);
}
