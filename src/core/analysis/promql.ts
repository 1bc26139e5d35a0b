/**
 * What rewind needs to know about a PromQL query without running it: whether it parses (with the
 * official grammar, `@prometheus-io/lezer-promql`, the parser Prometheus' own UI uses) and how far
 * back it looks, which bounds how long a recovered service still reads as failing.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { parseDuration } from '../duration.ts';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface PromqlProblem {
  readonly message: string;
  /** 1-based column in the query. */
  readonly column: number;
}

/**
 * A query's answers never change, and a plan asks them of the same few queries at every step it
 * builds (deadlines, window notes, validation): each parse is done once. Bounded, for a
 * long-running server that sees many queries.
 */
function remembered<T>(fn: (query: string) => T): (query: string) => T {
  const known = new Map<string, T>();
  return (query) => {
    if (known.has(query)) return known.get(query) as T;
    const v = fn(query);
    if (known.size >= 256) known.clear();
    known.set(query, v);
    return v;
  };
}

/** The first syntax problem of a query, or undefined when it parses. */
export const checkPromql: (query: string) => PromqlProblem | undefined = remembered((query) => {
  if (query.trim() === '') return Object.freeze({ message: 'the query is empty', column: 1 });
  const tree = parser.parse(query);
  let problem: PromqlProblem | undefined;
  tree.iterate({
    enter: (n) => {
      if (problem !== undefined) return false;
      if (n.type.isError) {
        const fn = query[n.from] === '(' ? /([A-Za-z_][\w]*)\s*$/.exec(query.slice(0, n.from)) : null;
        const near = query.slice(n.from, n.from + 12).trim();
        // The grammar knows every function; a name it does not know reads as a selector and a stray "(".
        if (fn?.[1] !== undefined) problem = { message: `unknown function "${fn[1]}"`, column: (fn.index ?? 0) + 1 };
        else problem = { message: near ? `unexpected "${near}"` : 'unexpected end of the query', column: n.from + 1 };
        return false;
      }
      return undefined;
    },
  });
  return problem && Object.freeze(problem);
});

const durationOf = (query: string, n: SyntaxNode | null): number => (n ? (parseDuration(query.slice(n.from, n.to).trim()) ?? 0) : 0);

/**
 * How far back the query reads, in ms: the largest range (`[5m]`), subquery range plus its
 * offset (`[1h:30s] offset 5m`), along any path of the query. A bad sample keeps counting for
 * this long after the service recovered.
 *
 * ### Examples
 * ```ts
 * rangeWindowMs('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))'); // 300000
 * ```
 */
export const rangeWindowMs: (query: string) => number = remembered((query) => {
  const tree = parser.parse(query);
  let max = 0;
  const walk = (n: SyntaxNode, offset: number): void => {
    let here = offset;
    if (n.name === 'OffsetExpr') here += durationOf(query, n.getChild('OffsetDurationExpr'));
    if (n.name === 'MatrixSelector' || n.name === 'SubqueryExpr') {
      max = Math.max(max, here + durationOf(query, n.getChild('DurationExpr')));
    }
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c, here);
  };
  walk(tree.topNode, 0);
  return max;
});

/**
 * The default verification deadline: the longest query window, plus two scrape intervals (the
 * scrape and the rule evaluation that still see the old samples), plus the rollout itself.
 */
export function defaultDeadlineMs(queries: readonly string[], opts: { scrapeIntervalMs: number; rolloutMs: number }): number {
  const window = Math.max(0, ...queries.map(rangeWindowMs));
  return window + 2 * opts.scrapeIntervalMs + opts.rolloutMs;
}
