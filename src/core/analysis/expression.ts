/**
 * The condition language of Argo Rollouts' `successCondition` / `failureCondition`: the subset of
 * expr-lang/expr that analysis templates use, evaluated over `result`.
 *
 * Followed: argoproj/argo-rollouts `utils/evaluate/evaluate.go` (the environment: `result`,
 * `isNaN`, `isInf`, `isNil`, `default`, `asInt`, `asFloat`) and expr-lang/expr's operators,
 * precedence (`||` < `&&` < comparisons < `+ -` < `* / %` < `**` < unary) and closure syntax
 * (`all(result, {# < 0.5})`, where `#` is the element). Written by hand: a small recursive-descent
 * parser with positions, so rewind.yaml errors point at the column.
 *
 * ### Examples
 * ```ts
 * const cond = parseCondition('result[0] < 0.5');
 * evaluateCondition(cond, [0.31]); // true
 * evaluateCondition(parseCondition('all(result, {# < 0.01}) && len(result) > 0'), [0.002, 0.004]); // true
 * ```
 */

/** What a condition sees: numbers, booleans, strings, lists, and nil (null). */
export type ExprValue = number | boolean | string | null | readonly ExprValue[];

/** A syntax or evaluation error; `column` is 1-based in the condition text. */
export class ExpressionError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(`${message} (column ${column})`);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

type Node =
  | { readonly k: 'num'; readonly v: number; readonly at: number }
  | { readonly k: 'str'; readonly v: string; readonly at: number }
  | { readonly k: 'bool'; readonly v: boolean; readonly at: number }
  | { readonly k: 'nil'; readonly at: number }
  | { readonly k: 'ident'; readonly name: string; readonly at: number }
  | { readonly k: 'elem'; readonly at: number }
  | { readonly k: 'list'; readonly items: readonly Node[]; readonly at: number }
  | { readonly k: 'index'; readonly target: Node; readonly index: Node; readonly at: number }
  | { readonly k: 'unary'; readonly op: '!' | '-' | '+'; readonly arg: Node; readonly at: number }
  | { readonly k: 'binary'; readonly op: string; readonly left: Node; readonly right: Node; readonly at: number }
  | { readonly k: 'cond'; readonly test: Node; readonly then: Node; readonly else: Node; readonly at: number }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Node[]; readonly at: number }
  | { readonly k: 'closure'; readonly body: Node; readonly at: number };

/** A parsed condition: keep it and evaluate it for every measurement. */
export interface Condition {
  readonly source: string;
  readonly ast: Node;
}

interface Token {
  readonly t: 'num' | 'str' | 'ident' | 'op' | 'eof';
  readonly v: string;
  readonly at: number;
}

const OPERATORS = ['**', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', '{', '}', ',', '#', '?', ':'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i + 1;
    const num = /^(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/.exec(src.slice(i))?.[0];
    if (num !== undefined) {
      out.push({ t: 'num', v: num.replaceAll('_', ''), at });
      i += num.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') j++;
        text += src[j] ?? '';
        j++;
      }
      if (j >= src.length) throw new ExpressionError('unterminated string', at);
      out.push({ t: 'str', v: text, at });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))?.[0];
    if (word !== undefined) {
      out.push({ t: 'ident', v: word, at });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new ExpressionError(`unexpected character "${c}"`, at);
    out.push({ t: 'op', v: op, at });
    i += op.length;
  }
  out.push({ t: 'eof', v: '', at: src.length + 1 });
  return out;
}

/** Binary operators by precedence, lowest first; expr's word forms map to the symbols. */
const LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!=', '<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];
const WORD_OPS: Readonly<Record<string, string>> = { or: '||', and: '&&', not: '!' };

/** Functions a condition may call (the environment upstream builds plus expr's builtins used in templates). */
const FUNCTIONS = new Set(['len', 'isNaN', 'isInf', 'isNil', 'default', 'asFloat', 'asInt', 'abs', 'min', 'max', 'sum', 'mean', 'all', 'any', 'none', 'one', 'filter', 'map', 'count']);
const CLOSURE_FUNCTIONS = new Set(['all', 'any', 'none', 'one', 'filter', 'map', 'count']);

class Parser {
  readonly #tokens: Token[];
  #pos = 0;
  #closureDepth = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Node {
    const node = this.#ternary();
    const rest = this.#peek();
    if (rest.t !== 'eof') throw new ExpressionError(`unexpected "${rest.v}"`, rest.at);
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#pos] ?? { t: 'eof', v: '', at: 0 };
  }
  #next(): Token {
    const t = this.#peek();
    this.#pos++;
    return t;
  }
  #isOp(v: string): boolean {
    const t = this.#peek();
    return (t.t === 'op' && t.v === v) || (t.t === 'ident' && WORD_OPS[t.v] === v);
  }
  #expect(v: string): Token {
    const t = this.#next();
    if (t.t !== 'op' || t.v !== v) throw new ExpressionError(t.t === 'eof' ? `expected "${v}" but the condition ended` : `expected "${v}", found "${t.v}"`, t.at);
    return t;
  }

  #ternary(): Node {
    const test = this.#binary(0);
    if (!this.#isOp('?')) return test;
    const at = this.#next().at;
    const then = this.#ternary();
    this.#expect(':');
    return { k: 'cond', test, then, else: this.#ternary(), at };
  }

  #binary(level: number): Node {
    const ops = LEVELS[level];
    if (ops === undefined) return this.#power();
    let left = this.#binary(level + 1);
    for (;;) {
      const op = ops.find((o) => this.#isOp(o));
      if (op === undefined) return left;
      const at = this.#next().at;
      left = { k: 'binary', op, left, right: this.#binary(level + 1), at };
    }
  }

  #power(): Node {
    const base = this.#unary();
    if (!this.#isOp('**')) return base;
    const at = this.#next().at;
    // Right-associative, as in expr: 2 ** 3 ** 2 == 2 ** 9.
    return { k: 'binary', op: '**', left: base, right: this.#power(), at };
  }

  #unary(): Node {
    for (const op of ['!', '-', '+'] as const) {
      if (this.#isOp(op)) {
        const at = this.#next().at;
        return { k: 'unary', op, arg: this.#unary(), at };
      }
    }
    return this.#postfix(this.#primary());
  }

  #postfix(node: Node): Node {
    while (this.#isOp('[')) {
      const at = this.#next().at;
      const index = this.#ternary();
      this.#expect(']');
      node = { k: 'index', target: node, index, at };
    }
    return node;
  }

  #primary(): Node {
    const t = this.#next();
    if (t.t === 'num') {
      const v = Number(t.v);
      if (!Number.isFinite(v)) throw new ExpressionError(`bad number "${t.v}"`, t.at);
      return { k: 'num', v, at: t.at };
    }
    if (t.t === 'str') return { k: 'str', v: t.v, at: t.at };
    if (t.t === 'op' && t.v === '(') {
      const inner = this.#ternary();
      this.#expect(')');
      return inner;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Node[] = [];
      while (!this.#isOp(']')) {
        items.push(this.#ternary());
        if (!this.#isOp(',')) break;
        this.#next();
      }
      this.#expect(']');
      return { k: 'list', items, at: t.at };
    }
    if (t.t === 'op' && t.v === '#') {
      if (this.#closureDepth === 0) throw new ExpressionError('"#" is only meaningful inside a closure such as all(result, {# < 0.5})', t.at);
      return { k: 'elem', at: t.at };
    }
    if (t.t === 'ident') {
      if (t.v === 'true' || t.v === 'false') return { k: 'bool', v: t.v === 'true', at: t.at };
      if (t.v === 'nil') return { k: 'nil', at: t.at };
      if (this.#isOp('(')) return this.#call(t);
      if (t.v !== 'result') throw new ExpressionError(`unknown name "${t.v}" (a condition sees only "result")`, t.at);
      return { k: 'ident', name: t.v, at: t.at };
    }
    throw new ExpressionError(t.t === 'eof' ? 'the condition ended early' : `unexpected "${t.v}"`, t.at);
  }

  #call(name: Token): Node {
    if (!FUNCTIONS.has(name.v)) throw new ExpressionError(`unknown function "${name.v}"`, name.at);
    this.#expect('(');
    const args: Node[] = [];
    while (!this.#isOp(')')) {
      args.push(CLOSURE_FUNCTIONS.has(name.v) && args.length === 1 ? this.#closure() : this.#ternary());
      if (!this.#isOp(',')) break;
      this.#next();
    }
    this.#expect(')');
    if (CLOSURE_FUNCTIONS.has(name.v) && args.length !== 2) throw new ExpressionError(`${name.v}() takes a list and a closure, e.g. ${name.v}(result, {# < 0.5})`, name.at);
    return { k: 'call', name: name.v, args, at: name.at };
  }

  #closure(): Node {
    const open = this.#peek();
    // expr also accepts a bare predicate as the second argument: all(result, # < 0.5).
    const braced = this.#isOp('{');
    if (braced) this.#next();
    this.#closureDepth++;
    const body = this.#ternary();
    this.#closureDepth--;
    if (braced) this.#expect('}');
    return { k: 'closure', body, at: open.at };
  }
}

/** Parses a condition; throws ExpressionError with the column of the first problem. */
export function parseCondition(source: string): Condition {
  if (source.trim() === '') throw new ExpressionError('the condition is empty', 1);
  return Object.freeze({ source, ast: new Parser(tokenize(source)).parse() });
}

// Array.isArray narrows a readonly array to any[]; this keeps the element type.
const isList = (v: ExprValue): v is readonly ExprValue[] => Array.isArray(v);
const typeName = (v: ExprValue): string => (v === null ? 'nil' : isList(v) ? 'list' : typeof v);

function num(v: ExprValue, at: number, what: string): number {
  if (typeof v !== 'number') throw new ExpressionError(`${what} needs a number, got ${typeName(v)}`, at);
  return v;
}
function list(v: ExprValue, at: number, what: string): readonly ExprValue[] {
  if (!isList(v)) throw new ExpressionError(`${what} needs a list, got ${typeName(v)}`, at);
  return v;
}
function bool(v: ExprValue, at: number, what: string): boolean {
  if (typeof v !== 'boolean') throw new ExpressionError(`${what} needs a boolean, got ${typeName(v)}`, at);
  return v;
}

function equal(a: ExprValue, b: ExprValue): boolean {
  if (isList(a) && isList(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i] ?? null));
  return a === b;
}

interface Scope {
  readonly result: ExprValue;
  readonly elem?: ExprValue;
}

function evaluate(node: Node, scope: Scope): ExprValue {
  switch (node.k) {
    case 'num':
    case 'str':
    case 'bool':
      return node.v;
    case 'nil':
      return null;
    case 'ident':
      return scope.result;
    case 'elem':
      return scope.elem ?? null;
    case 'list':
      return node.items.map((n) => evaluate(n, scope));
    case 'closure':
      throw new ExpressionError('a closure can only be an argument of all/any/none/one/filter/map/count', node.at);
    case 'index': {
      const target = evaluate(node.target, scope);
      const items = list(target, node.at, 'indexing');
      const raw = num(evaluate(node.index, scope), node.index.at, 'an index');
      // expr counts negative indexes from the end; out of range is an error (upstream's Error for an empty vector).
      const i = raw < 0 ? items.length + raw : raw;
      if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new ExpressionError(`index ${raw} out of range (len ${items.length})`, node.at);
      return items[i] ?? null;
    }
    case 'unary': {
      const v = evaluate(node.arg, scope);
      if (node.op === '!') return !bool(v, node.at, '!');
      const n = num(v, node.at, `unary ${node.op}`);
      return node.op === '-' ? -n : n;
    }
    case 'cond':
      return bool(evaluate(node.test, scope), node.at, '?:') ? evaluate(node.then, scope) : evaluate(node.else, scope);
    case 'binary':
      return binary(node.op, node.left, node.right, node.at, scope);
    case 'call':
      return call(node.name, node.args, node.at, scope);
  }
}

function binary(op: string, l: Node, r: Node, at: number, scope: Scope): ExprValue {
  if (op === '&&') return bool(evaluate(l, scope), at, '&&') && bool(evaluate(r, scope), at, '&&');
  if (op === '||') return bool(evaluate(l, scope), at, '||') || bool(evaluate(r, scope), at, '||');
  const a = evaluate(l, scope);
  const b = evaluate(r, scope);
  if (op === '==') return equal(a, b);
  if (op === '!=') return !equal(a, b);
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  const x = num(a, at, `"${op}"`);
  const y = num(b, at, `"${op}"`);
  // Go's float comparisons: every comparison with NaN is false, so `result[0] < 0.5` fails for NaN.
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      if (y === 0) throw new ExpressionError('modulo by zero', at);
      return x % y;
    case '**':
      return x ** y;
    default:
      throw new ExpressionError(`unknown operator "${op}"`, at);
  }
}

function call(name: string, args: readonly Node[], at: number, scope: Scope): ExprValue {
  const arity = (n: number) => {
    if (args.length !== n) throw new ExpressionError(`${name}() takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`, at);
  };
  const arg = (i: number) => evaluate(args[i] ?? { k: 'nil', at }, scope);
  if (CLOSURE_FUNCTIONS.has(name)) {
    const items = list(arg(0), at, `${name}()`);
    const body = args[1];
    if (body?.k !== 'closure') throw new ExpressionError(`${name}() needs a closure as its second argument`, at);
    const each = (x: ExprValue) => evaluate(body.body, { result: scope.result, elem: x });
    const pred = (x: ExprValue) => bool(each(x), body.at, `${name}() closure`);
    switch (name) {
      case 'all':
        return items.every(pred);
      case 'any':
        return items.some(pred);
      case 'none':
        return !items.some(pred);
      case 'one':
        return items.filter(pred).length === 1;
      case 'filter':
        return items.filter(pred);
      case 'count':
        return items.filter(pred).length;
      default:
        return items.map(each);
    }
  }
  switch (name) {
    case 'len': {
      arity(1);
      const v = arg(0);
      if (typeof v === 'string') return v.length;
      return list(v, at, 'len()').length;
    }
    case 'isNaN':
      arity(1);
      return Number.isNaN(num(arg(0), at, 'isNaN()'));
    case 'isInf':
      arity(1);
      return Math.abs(num(arg(0), at, 'isInf()')) === Number.POSITIVE_INFINITY;
    case 'isNil':
      arity(1);
      return arg(0) === null;
    case 'default': {
      arity(2);
      // NOTE: upstream's default() ignores its first argument and returns the whole `result` unless
      // it is nil; rewind returns the first argument unless it is nil or cannot be read (an index
      // past the end), which is what `default(result[0], 0)` is written to mean.
      let v: ExprValue;
      try {
        v = arg(0);
      } catch (e) {
        if (e instanceof ExpressionError && e.message.includes('out of range')) v = null;
        else throw e;
      }
      return v ?? arg(1);
    }
    case 'asFloat':
    case 'asInt': {
      arity(1);
      const v = arg(0);
      const n = typeof v === 'string' ? Number(v) : num(v, at, `${name}()`);
      if (typeof v === 'string' && (v.trim() === '' || Number.isNaN(n))) throw new ExpressionError(`${name}() cannot parse "${v}"`, at);
      return name === 'asInt' ? Math.trunc(n) : n;
    }
    case 'abs':
      arity(1);
      return Math.abs(num(arg(0), at, 'abs()'));
    case 'min':
    case 'max':
    case 'sum':
    case 'mean': {
      const values = (args.length === 1 && isList(arg(0)) ? list(arg(0), at, `${name}()`) : args.map((_, i) => arg(i))).map((v) => num(v, at, `${name}()`));
      if (name === 'sum') return values.reduce((s, v) => s + v, 0);
      if (values.length === 0) throw new ExpressionError(`${name}() of an empty list`, at);
      if (name === 'mean') return values.reduce((s, v) => s + v, 0) / values.length;
      return name === 'min' ? Math.min(...values) : Math.max(...values);
    }
    default:
      throw new ExpressionError(`unknown function "${name}"`, at);
  }
}

/** Evaluates a condition over `result`; throws ExpressionError unless it yields a boolean. */
export function evaluateCondition(cond: Condition, result: ExprValue): boolean {
  const v = evaluate(cond.ast, { result });
  if (typeof v !== 'boolean') throw new ExpressionError(`expected a boolean, got ${typeName(v)}`, 1);
  return v;
}
