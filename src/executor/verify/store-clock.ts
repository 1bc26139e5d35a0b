/**
 * The metrics store's clock, as seen from rewind. Query windows, scrape intervals and the
 * verification deadline are all durations of the time the store evaluates queries in; the wait
 * that judges recovery is measured in that time too. For a production Prometheus it is the wall
 * clock (a few ms of skew or latency do not matter and are rounded away); a store whose time runs
 * faster (the sandbox at `--speed 20`) or is skewed is followed as it is, so "measure every 30 s
 * until 5 minutes of samples aged out" means the same thing against both.
 *
 * The store's time is PromQL `time()` of an instant query without `time`: the evaluation
 * timestamp, the server's now (Prometheus `web/api/v1/api.go` `parseTimeParam` defaults to
 * `time.Now()`). Two readings `calibrationMs` apart give the rate.
 */
import type { Clock, MetricsSource } from '../../core/ports.ts';

export interface StoreClock extends Clock {
  /** Store ms per local ms (1 for a store on the wall clock). */
  readonly rate: number;
}

/** Within this of 1, the rate is network jitter, not a clock that runs differently. */
const WALL_CLOCK_TOLERANCE = 0.1;

/**
 * The store's now (epoch ms) and the local time it was read at; undefined when the store does not
 * answer `time()` with a scalar (then rewind cannot know its clock and uses its own).
 */
export async function readStoreTime(source: MetricsSource, local: Clock, signal?: AbortSignal): Promise<{ store: number; local: number } | undefined> {
  const before = local.now().getTime();
  const r = await source.query('time()', signal ? { signal } : {});
  const after = local.now().getTime();
  if (r.kind !== 'scalar' || !Number.isFinite(r.sample.v)) return undefined;
  return { store: r.sample.v * 1000, local: (before + after) / 2 };
}

/**
 * Reads the store's clock twice and returns a `Clock` that follows it. Throws the adapter's error
 * when the store cannot be reached: the caller's "Prometheus unreachable".
 */
export async function storeClock(source: MetricsSource, local: Clock, opts: { signal?: AbortSignal; calibrationMs?: number } = {}): Promise<StoreClock> {
  const first = await readStoreTime(source, local, opts.signal);
  await local.sleep(opts.calibrationMs ?? 1000, opts.signal);
  const second = await readStoreTime(source, local, opts.signal);
  if (first === undefined || second === undefined) return { rate: 1, now: () => local.now(), sleep: (ms, signal) => local.sleep(ms, signal) };
  const measured = (second.store - first.store) / Math.max(1, second.local - first.local);
  const rate = !(measured > 0) || Math.abs(measured - 1) < WALL_CLOCK_TOLERANCE ? 1 : measured;
  return {
    rate,
    now: () => new Date(second.store + (local.now().getTime() - second.local) * rate),
    sleep: (ms, signal) => local.sleep(ms / rate, signal),
  };
}
