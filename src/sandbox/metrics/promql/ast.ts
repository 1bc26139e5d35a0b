/** The PromQL expressions the sandbox evaluates, as the parser builds them from lezer's tree. */
import type { Matcher } from '../tsdb.ts';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';
export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count';
export type FunctionName =
  | 'rate'
  | 'irate'
  | 'increase'
  | 'histogram_quantile'
  | 'absent'
  | 'clamp_min'
  | 'clamp_max'
  | 'vector'
  | 'scalar'
  | 'time';

export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` (or nothing) when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** `group_left(...)`/`group_right(...)` labels taken from the "one" side. */
  readonly include: readonly string[];
}

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | VectorSelector
  | MatrixSelector
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly Expr[] }
  | { readonly kind: 'aggregate'; readonly op: AggregateOp; readonly grouping: readonly string[]; readonly without: boolean; readonly expr: Expr }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly lhs: Expr;
      readonly rhs: Expr;
      readonly returnBool: boolean;
      /** Absent when either side is a scalar. */
      readonly matching?: VectorMatching;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly expr: Expr };

export interface VectorSelector {
  readonly kind: 'vector';
  readonly matchers: readonly Matcher[];
  readonly offsetMs: number;
}

export interface MatrixSelector {
  readonly kind: 'matrix';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
}

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
    case 'aggregate':
      return 'vector';
    case 'matrix':
      return 'matrix';
    case 'call':
      return e.fn === 'scalar' || e.fn === 'time' ? 'scalar' : 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
      return typeOf(e.expr);
  }
}

/** How Prometheus names value types in its error messages (parser/value.go documentedType). */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}
