/** Query results, as the engine passes them between nodes (promql/value.go, floats only). */
import type { Labels } from '../exposition.ts';
import type { Point } from './rate.ts';

export interface Sample {
  readonly labels: Labels;
  readonly v: number;
}

export interface PointSeries {
  readonly labels: Labels;
  readonly points: readonly Point[];
}

export type Value =
  | { readonly type: 'scalar'; readonly v: number }
  | { readonly type: 'string'; readonly v: string }
  | { readonly type: 'vector'; readonly samples: readonly Sample[] }
  | { readonly type: 'matrix'; readonly series: readonly PointSeries[] };

/** An evaluation error (promql's ev.errorf): the API answers `execution`, HTTP 422. */
export class ExecutionError extends Error {}

export function dropName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  const { __name__: _n, ...rest } = labels;
  return rest;
}

export function withoutLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!names.includes(k)) out[k] = v;
  return out;
}

export function onlyLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n];
  return out;
}

/** A label set as Prometheus prints it: `{a="1", b="2"}`, sorted, `__name__` in front. */
export function labelsString(labels: Labels): string {
  const name = labels['__name__'] ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${rest.join(', ')}}`;
}
