/**
 * One instant query against the sandbox's own store, in rewind's `QueryResult` terms: what the
 * HTTP API's `/api/v1/query` answers, without the HTTP, for controllers inside the sandbox (Argo
 * Rollouts' analysis). Parse and evaluation errors come back as `{ error }`, as the API's
 * `bad_data` and `execution` errors would.
 */
import type { QueryResult } from '../../core/metrics.ts';
import { evaluate } from './promql/eval.ts';
import { parsePromQL } from './promql/parse.ts';
import type { Tsdb } from './tsdb.ts';

export function instantQuery(db: Tsdb, text: string, atMs: number): QueryResult | { readonly error: string } {
  let value;
  try {
    value = evaluate(parsePromQL(text), atMs, { db });
  } catch (e) {
    return { error: (e as Error).message };
  }
  const t = atMs / 1000;
  switch (value.type) {
    case 'scalar':
      return { kind: 'scalar', sample: { t, v: value.v } };
    case 'vector':
      return { kind: 'vector', series: value.samples.map((s) => ({ labels: s.labels, sample: { t, v: s.v } })) };
    case 'matrix':
      return { kind: 'matrix', series: value.series.map((s) => ({ labels: s.labels, samples: s.points.map((p) => ({ t: p.t / 1000, v: p.v })) })) };
    case 'string':
      return { error: 'a string result is not a metric (the Prometheus provider does not support it)' };
  }
}
