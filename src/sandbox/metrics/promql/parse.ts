/**
 * PromQL text → the sandbox's expression tree, with the official grammar
 * (`@prometheus-io/lezer-promql`, the parser of Prometheus' own UI). Lezer checks syntax only,
 * so the type checks Prometheus' parser makes (promql/parser/parse.go checkAST) happen here,
 * with its messages where it matters to a client. Anything outside the sandbox's subset is a
 * `PromQLError` naming what is unsupported; the API answers both as `bad_data`.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { anchoredRegex, type Matcher } from '../tsdb.ts';
import { documentedType, typeOf, type AggregateOp, type BinaryOp, type Expr, type FunctionName, type VectorMatching, type VectorSelector } from './ast.ts';
import { parseDuration } from '../../../core/duration.ts';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export class PromQLError extends Error {}

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^',
  Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=',
  And: 'and', Or: 'or', Unless: 'unless',
};
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);
export const isComparison = (op: BinaryOp): boolean => COMPARISON.has(op);
const isSetOp = (op: BinaryOp): boolean => SET_OPS.has(op);

const AGGREGATES = new Set<AggregateOp>(['sum', 'avg', 'min', 'max', 'count']);

/** Argument types per supported function (parser/functions.go). */
const FUNCTIONS: Readonly<Record<FunctionName, readonly ('scalar' | 'vector' | 'matrix')[]>> = {
  rate: ['matrix'],
  irate: ['matrix'],
  increase: ['matrix'],
  histogram_quantile: ['scalar', 'vector'],
  absent: ['vector'],
  clamp_min: ['vector', 'scalar'],
  clamp_max: ['vector', 'scalar'],
  vector: ['scalar'],
  scalar: ['vector'],
  time: [],
};

const MATCH_OPS: Readonly<Record<string, Matcher['type']>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

export function parsePromQL(text: string): Expr {
  const tree = parser.parse(text);
  let error: SyntaxNode | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && !error) error = n.node;
    },
  });
  if (error) {
    const at = position(text, error.from);
    throw new PromQLError(`${at}: parse error: unexpected ${error.from >= text.length ? 'end of input' : JSON.stringify(text.slice(error.from, error.from + 12))}`);
  }
  const top = tree.topNode.firstChild;
  if (!top) throw new PromQLError('1:1: parse error: no expression found in input');
  return new Builder(text).expr(top);
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
}

/** Go-style string literal: "…" and '…' with escapes, `…` raw (parser/lex.go). */
function unquote(lit: string): string {
  const q = lit[0];
  const body = lit.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'u':
      case 'U':
      case 'x': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

function parseNumber(raw: string): number {
  if (raw.startsWith('-') || raw.startsWith('+')) {
    const v = parseNumber(raw.slice(1));
    return raw.startsWith('-') ? -v : v;
  }
  const text = raw;
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text, 16);
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i.test(text) || /^[0-9]+\.$/.test(text)) return Number(text);
  throw new PromQLError(`unsupported: the number "${text}" (durations as numbers are Prometheus 3.x syntax)`);
}

class Builder {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }

  #src(n: SyntaxNode): string {
    return this.#text.slice(n.from, n.to);
  }

  #children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  #unsupported(what: string): never {
    throw new PromQLError(`unsupported by the sandbox's PromQL subset: ${what}`);
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case 'ParenExpr':
        return this.expr(this.#children(n)[0]!);
      case 'NumberDurationLiteral':
        return { kind: 'number', value: parseNumber(this.#src(n)) };
      case 'StringLiteral':
        return { kind: 'string', value: unquote(this.#src(n)) };
      case 'VectorSelector':
        return this.#vectorSelector(n, 0);
      case 'MatrixSelector':
        return this.#matrix(n, 0);
      case 'OffsetExpr':
        return this.#offset(n);
      case 'UnaryExpr':
        return this.#unary(n);
      case 'FunctionCall':
        return this.#call(n);
      case 'AggregateExpr':
        return this.#aggregate(n);
      case 'BinaryExpr':
        return this.#binary(n);
      case 'SubqueryExpr':
        return this.#unsupported('subqueries');
      case 'StepInvariantExpr':
        return this.#unsupported('the @ modifier');
      default:
        return this.#unsupported(`${n.name} "${this.#src(n)}"`);
    }
  }

  #duration(n: SyntaxNode | undefined): number {
    if (!n) throw new PromQLError('parse error: missing duration');
    const kids = this.#children(n);
    if (n.name === 'OffsetDurationExpr' && kids[0]?.name === 'UnaryOp') {
      const sign = this.#src(kids[0]) === '-' ? -1 : 1;
      return sign * this.#duration(kids[1]);
    }
    const text = this.#src(n).trim();
    const ms = parseDuration(text);
    if (ms === undefined) {
      if (kids.length > 1 || /[+\-*/%^()]/.test(text)) this.#unsupported(`duration expressions "${text}"`);
      throw new PromQLError(`parse error: unexpected number "${text}"; durations need a unit in Prometheus 2.x`);
    }
    return ms;
  }

  #vectorSelector(n: SyntaxNode, offsetMs: number): VectorSelector {
    const matchers: Matcher[] = [];
    for (const c of this.#children(n)) {
      if (c.name === 'Identifier') matchers.push({ name: '__name__', type: '=', value: this.#src(c) });
      else if (c.name === 'LabelMatchers') {
        for (const m of this.#children(c)) {
          if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
            const parts = this.#children(m);
            const nameNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
            const opNode = parts.find((p) => p.name === 'MatchOp')?.firstChild;
            const valueNode = parts.filter((p) => p.name === 'StringLiteral').pop();
            if (!nameNode || !opNode || !valueNode) throw new PromQLError(`parse error: bad label matcher "${this.#src(m)}"`);
            const name = nameNode.name === 'QuotedLabelName' ? unquote(this.#src(nameNode)) : this.#src(nameNode);
            const type = MATCH_OPS[opNode.name];
            if (!type) throw new PromQLError(`parse error: unknown match operator "${this.#src(opNode)}"`);
            const value = unquote(this.#src(valueNode));
            if (type === '=~' || type === '!~') {
              try {
                new RegExp(value);
              } catch (e) {
                throw new PromQLError(`invalid regular expression "${value}": ${(e as Error).message}`);
              }
            }
            matchers.push({ name, type, value });
          } else if (m.name === 'QuotedLabelName') {
            matchers.push({ name: '__name__', type: '=', value: unquote(this.#src(m)) });
          }
        }
      }
    }
    // parser/parse.go: a selector that matches everything is refused.
    if (matchers.every((m) => emptyMatches(m))) throw new PromQLError('vector selector must contain at least one non-empty matcher');
    return { kind: 'vector', matchers, offsetMs };
  }

  #matrix(n: SyntaxNode, offsetMs: number): Expr {
    const [sel, dur] = this.#children(n);
    if (!sel || sel.name !== 'VectorSelector') throw new PromQLError('ranges only allowed for vector selectors');
    const rangeMs = this.#duration(dur);
    if (rangeMs <= 0) throw new PromQLError('range must be positive');
    return { kind: 'matrix', vector: this.#vectorSelector(sel, offsetMs), rangeMs };
  }

  #offset(n: SyntaxNode): Expr {
    const kids = this.#children(n);
    const inner = kids[0]!;
    const offsetMs = this.#duration(kids.find((k) => k.name === 'OffsetDurationExpr'));
    if (inner.name === 'VectorSelector') return this.#vectorSelector(inner, offsetMs);
    if (inner.name === 'MatrixSelector') return this.#matrix(inner, offsetMs);
    if (inner.name === 'SubqueryExpr') return this.#unsupported('subqueries');
    throw new PromQLError('offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
  }

  #unary(n: SyntaxNode): Expr {
    const [opNode, inner] = this.#children(n);
    const op = this.#src(opNode!) === '-' ? '-' : '+';
    const expr = this.expr(inner!);
    const t = typeOf(expr);
    if (t !== 'scalar' && t !== 'vector') throw new PromQLError(`unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`);
    // A negative literal is a literal, as Prometheus folds it.
    if (expr.kind === 'number') return { kind: 'number', value: op === '-' ? -expr.value : expr.value };
    return { kind: 'unary', op, expr };
  }

  #args(body: SyntaxNode | undefined): Expr[] {
    return body ? this.#children(body).map((c) => this.expr(c)) : [];
  }

  #call(n: SyntaxNode): Expr {
    const [ident, body] = this.#children(n);
    const name = this.#src(ident!);
    if (!(name in FUNCTIONS)) this.#unsupported(`the function ${name}()`);
    const fn = name as FunctionName;
    const args = this.#args(body);
    const want = FUNCTIONS[fn];
    if (args.length !== want.length) throw new PromQLError(`expected ${want.length} argument(s) in call to "${fn}", got ${args.length}`);
    args.forEach((a, i) => {
      const t = typeOf(a);
      if (t !== want[i]) throw new PromQLError(`expected type ${documentedType(want[i]!)} in call to function "${fn}", got ${documentedType(t)}`);
    });
    return { kind: 'call', fn, args };
  }

  #aggregate(n: SyntaxNode): Expr {
    const kids = this.#children(n);
    const op = this.#src(kids.find((k) => k.name === 'AggregateOp')!) as AggregateOp;
    if (!AGGREGATES.has(op)) this.#unsupported(`the aggregation ${op}`);
    const modifier = kids.find((k) => k.name === 'AggregateModifier');
    const without = modifier ? this.#children(modifier).some((k) => k.name === 'Without') : false;
    const grouping = modifier ? this.#labels(this.#children(modifier).find((k) => k.name === 'GroupingLabels')) : [];
    const args = this.#args(kids.find((k) => k.name === 'FunctionCallBody'));
    if (args.length !== 1) throw new PromQLError(`wrong number of arguments for aggregate expression provided, expected 1, got ${args.length}`);
    const t = typeOf(args[0]!);
    if (t !== 'vector') throw new PromQLError(`expected type instant vector in aggregation expression, got ${documentedType(t)}`);
    return { kind: 'aggregate', op, grouping, without, expr: args[0]! };
  }

  #labels(n: SyntaxNode | undefined): string[] {
    if (!n) return [];
    return this.#children(n)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) => (c.name === 'QuotedLabelName' ? unquote(this.#src(c)) : this.#src(c)));
  }

  #binary(n: SyntaxNode): Expr {
    const kids = this.#children(n);
    const opNode = kids.find((k) => k.name in BINARY_OPS || k.name === 'Atan2');
    if (!opNode) this.#unsupported(`the operator in "${this.#src(n)}"`);
    if (opNode.name === 'Atan2') this.#unsupported('the operator atan2');
    const op = BINARY_OPS[opNode.name]!;
    const lhs = this.expr(kids[0]!);
    const rhs = this.expr(kids[kids.length - 1]!);
    const returnBool = kids.some((k) => k.name === 'BoolModifier');
    const clause = kids.find((k) => k.name === 'MatchingModifierClause');
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    // Checks as parser/parse.go checkAST orders them.
    if (returnBool && !isComparison(op)) throw new PromQLError('bool modifier can only be used on comparison operators');
    if (isComparison(op) && !returnBool && lt === 'scalar' && rt === 'scalar') throw new PromQLError('comparisons between scalars must use BOOL modifier');
    if ((lt !== 'scalar' && lt !== 'vector') || (rt !== 'scalar' && rt !== 'vector')) throw new PromQLError('binary expression must contain only scalar and instant vector types');
    if (isSetOp(op) && (lt === 'scalar' || rt === 'scalar')) throw new PromQLError(`set operator "${op}" not allowed in binary scalar expression`);
    let matching: VectorMatching | undefined;
    if (lt === 'vector' && rt === 'vector') {
      matching = this.#matching(clause, op);
    } else if (clause) {
      throw new PromQLError('vector matching only allowed between instant vectors');
    }
    return { kind: 'binary', op, lhs, rhs, returnBool, ...(matching ? { matching } : {}) };
  }

  #matching(clause: SyntaxNode | undefined, op: BinaryOp): VectorMatching {
    const setOp = isSetOp(op);
    if (!clause) return { card: setOp ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
    const kids = this.#children(clause);
    const on = kids.some((k) => k.name === 'On');
    const groupings = kids.filter((k) => k.name === 'GroupingLabels');
    const labels = this.#labels(groupings[0]);
    const left = kids.some((k) => k.name === 'GroupLeft');
    const right = kids.some((k) => k.name === 'GroupRight');
    const include = left || right ? this.#labels(groupings[1]) : [];
    if ((left || right) && setOp) throw new PromQLError(`no grouping allowed for "${op}" operation`);
    if (on) {
      for (const l of include) if (labels.includes(l)) throw new PromQLError(`label "${l}" must not occur in ON and GROUP clause at once`);
    }
    const card = setOp ? 'many-to-many' : left ? 'many-to-one' : right ? 'one-to-many' : 'one-to-one';
    return { card, on, labels, include };
  }
}

function emptyMatches(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchoredRegex(m.value).test('');
    case '!~':
      return !anchoredRegex(m.value).test('');
  }
}
