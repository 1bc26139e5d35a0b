/**
 * The sandbox's sample store: series by label set, samples in time order, bounded by a
 * retention window of sandbox time. Stale markers are kept as samples (value `null`), as
 * Prometheus writes its special StaleNaN (model/value/value.go) when a series or target
 * disappears, so a selector stops returning the series at once instead of after the 5m
 * lookback.
 */
import type { Labels } from './exposition.ts';

export interface Series {
  readonly labels: Labels;
  readonly key: string;
  /** Sample timestamps, ms, ascending. */
  t: number[];
  /** `null` is a stale marker. */
  v: (number | null)[];
}

export interface Matcher {
  readonly name: string;
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\xff${labels[k]}`)
    .join('\xfe');
}

const regexCache = new Map<string, RegExp>();

/**
 * Prometheus anchors matcher regexes: `^(?:re)$` (model/labels/regexp.go). In 2.x `.` does not
 * match a newline (Go's default); 3.x compiles with `(?s)`, so there it does.
 */
export function anchoredRegex(re: string): RegExp {
  let r = regexCache.get(re);
  if (!r) {
    r = new RegExp(`^(?:${re})$`);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(re, r);
  }
  return r;
}

/** A missing label matches as the empty string, as in Prometheus. */
export function matches(m: Matcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(v);
    case '!~':
      return !anchoredRegex(m.value).test(v);
  }
}

export class Tsdb {
  readonly #series = new Map<string, Series>();
  readonly #byName = new Map<string, Set<Series>>();
  readonly retentionMs: number;
  #appends = 0;

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs;
  }

  get size(): number {
    return this.#series.size;
  }

  append(labels: Labels, t: number, v: number | null): void {
    const key = labelsKey(labels);
    let s = this.#series.get(key);
    if (!s) {
      if (v === null) return;
      s = { labels, key, t: [], v: [] };
      this.#series.set(key, s);
      const name = labels['__name__'] ?? '';
      let set = this.#byName.get(name);
      if (!set) this.#byName.set(name, (set = new Set()));
      set.add(s);
    }
    const last = s.t.length - 1;
    // Out-of-order and duplicate timestamps are dropped, as the head block does.
    if (last >= 0 && s.t[last]! >= t) return;
    if (v === null && (last < 0 || s.v[last] === null)) return;
    s.t.push(t);
    s.v.push(v);
    if (++this.#appends % 4096 === 0) this.trim(t);
  }

  /** Drops samples older than the retention window before `now`, and series left empty. */
  trim(now: number): void {
    const min = now - this.retentionMs;
    for (const [key, s] of this.#series) {
      let i = 0;
      while (i < s.t.length && s.t[i]! < min) i++;
      if (i === 0) continue;
      s.t = s.t.slice(i);
      s.v = s.v.slice(i);
      if (s.t.length === 0 || (s.t.length === 1 && s.v[0] === null)) {
        this.#series.delete(key);
        this.#byName.get(s.labels['__name__'] ?? '')?.delete(s);
      }
    }
  }

  /** Series matching every matcher; an equality matcher on `__name__` narrows the scan. */
  select(matchers: readonly Matcher[]): Series[] {
    const byName = matchers.find((m) => m.name === '__name__' && m.type === '=');
    const pool: Iterable<Series> = byName ? (this.#byName.get(byName.value) ?? []) : this.#series.values();
    const out: Series[] = [];
    for (const s of pool) if (matchers.every((m) => matches(m, s.labels))) out.push(s);
    return out;
  }

  all(): Iterable<Series> {
    return this.#series.values();
  }
}

/** Index of the last sample at or before `t` (-1 if none). */
export function lastAtOrBefore(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
