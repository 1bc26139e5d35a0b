/**
 * The one duration parser: Prometheus durations (`1h30m`, `500ms`, `2d`), as
 * `model.ParseDuration` (prometheus/common `model/time.go`) reads them: whole numbers, units from
 * the largest down, each at most once; `0` alone is zero. rewind.yaml, the CLI's flags, the
 * PromQL rewind reads and the sandbox's Prometheus API all use it.
 *
 * ### Examples
 * ```ts
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration('90d');   // 7_776_000_000
 * parseDuration('1.5m');  // undefined (Prometheus has no fractions)
 * ```
 */
const UNITS: Readonly<Record<string, number>> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = text === '' ? null : DURATION.exec(text);
  if (!m) return undefined;
  return ORDER.reduce((ms, unit, i) => ms + (m[i + 1] === undefined ? 0 : Number(m[i + 1]) * (UNITS[unit] ?? 0)), 0);
}
