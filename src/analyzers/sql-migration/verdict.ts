/**
 * How a change treats the binary we roll back to:
 * `safe` it keeps working, `review` it depends on data or on what the old code does,
 * `unsafe` it breaks or data is lost, `error` the file could not be read or parsed.
 */
export type Verdict = 'safe' | 'review' | 'unsafe' | 'error';

const rank: Readonly<Record<Verdict, number>> = { safe: 0, review: 1, unsafe: 2, error: 3 };

/** The worse of two verdicts; `error` beats everything because nothing was judged. */
export function worse(a: Verdict, b: Verdict): Verdict {
  return rank[a] >= rank[b] ? a : b;
}

export function worst(verdicts: Iterable<Verdict>, empty: Verdict = 'safe'): Verdict {
  let out: Verdict = empty;
  for (const v of verdicts) out = worse(out, v);
  return out;
}

/** Exit code of a run: 0 all safe, 1 any review/unsafe, 2 any error (2 wins over 1). */
export function exitCodeFor(v: Verdict): 0 | 1 | 2 {
  return v === 'error' ? 2 : v === 'safe' ? 0 : 1;
}
