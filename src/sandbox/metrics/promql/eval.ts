/**
 * Evaluates the sandbox's PromQL subset at one instant, with Prometheus 2.x semantics
 * (promql/engine.go v2.42.0): instant selectors take the newest sample within the 5m
 * lookback ([t-5m, t], both ends closed in 2.x; 3.x opens the left end) unless it is a stale
 * marker; range selectors take [t-range, t] (3.x: (t-range, t]); vector matching,
 * aggregation and label handling follow VectorBinop, resultMetric and aggregation. Range
 * queries evaluate each step as an instant query (the engine's stepwise result is the same).
 */
import { lastAtOrBefore, type Tsdb } from '../tsdb.ts';
import type { Labels } from '../exposition.ts';
import { labelsKey } from '../tsdb.ts';
import type { AggregateOp, BinaryOp, Expr, MatrixSelector, VectorMatching, VectorSelector } from './ast.ts';
import { isComparison } from './parse.ts';
import { bucketQuantile, type Bucket } from './quantile.ts';
import { extrapolatedRate, instantRate, type Point } from './rate.ts';
import { dropName, ExecutionError, labelsString, onlyLabels, withoutLabels, type PointSeries, type Sample, type Value } from './values.ts';

const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface EvalContext {
  readonly db: Tsdb;
  readonly lookbackMs?: number;
}

export function evaluate(expr: Expr, tMs: number, ctx: EvalContext): Value {
  return new Evaluator(ctx, tMs).eval(expr);
}

function parseBound(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const v = Number(text);
  return text.trim() === '' || Number.isNaN(v) ? undefined : v;
}

function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    // Go's math.Mod: the sign of the dividend, as JS's %.
    case '%': return l % r;
    case '^': return Math.pow(l, r);
    default: throw new Error(`not arithmetic: ${op}`);
  }
}

function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==': return l === r;
    case '!=': return l !== r;
    case '>': return l > r;
    case '<': return l < r;
    case '>=': return l >= r;
    case '<=': return l <= r;
    default: throw new Error(`not a comparison: ${op}`);
  }
}

function assertUniqueLabelsets(samples: readonly Sample[]): void {
  const seen = new Set<string>();
  for (const s of samples) {
    const k = labelsKey(s.labels);
    if (seen.has(k)) throw new ExecutionError('vector cannot contain metrics with the same labelset');
    seen.add(k);
  }
}

class Evaluator {
  readonly #ctx: EvalContext;
  readonly #t: number;
  readonly #lookback: number;

  constructor(ctx: EvalContext, t: number) {
    this.#ctx = ctx;
    this.#t = t;
    this.#lookback = ctx.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  }

  eval(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', v: e.value };
      case 'string':
        return { type: 'string', v: e.value };
      case 'vector':
        return { type: 'vector', samples: this.#selectInstant(e) };
      case 'matrix':
        return { type: 'matrix', series: this.#selectRange(e) };
      case 'unary': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', v: -v.v };
        const samples = this.#vector(v).map((s) => ({ labels: dropName(s.labels), v: -s.v }));
        assertUniqueLabelsets(samples);
        return { type: 'vector', samples };
      }
      case 'aggregate':
        return { type: 'vector', samples: aggregate(e.op, e.grouping, e.without, this.#vector(this.eval(e.expr))) };
      case 'call':
        return this.#call(e);
      case 'binary':
        return this.#binary(e.op, e.lhs, e.rhs, e.returnBool, e.matching);
    }
  }

  #vector(v: Value): readonly Sample[] {
    if (v.type !== 'vector') throw new ExecutionError(`expected an instant vector, got ${v.type}`);
    return v.samples;
  }

  #scalar(v: Value): number {
    if (v.type !== 'scalar') throw new ExecutionError(`expected a scalar, got ${v.type}`);
    return v.v;
  }

  #selectInstant(sel: VectorSelector): Sample[] {
    const ref = this.#t - sel.offsetMs;
    const out: Sample[] = [];
    for (const s of this.#ctx.db.select(sel.matchers)) {
      const i = lastAtOrBefore(s.t, ref);
      if (i < 0 || s.t[i]! < ref - this.#lookback) continue;
      const v = s.v[i];
      if (v === null || v === undefined) continue;
      out.push({ labels: s.labels, v });
    }
    return out;
  }

  #selectRange(m: MatrixSelector): PointSeries[] {
    const maxt = this.#t - m.vector.offsetMs;
    const mint = maxt - m.rangeMs;
    const out: PointSeries[] = [];
    for (const s of this.#ctx.db.select(m.vector.matchers)) {
      const hi = lastAtOrBefore(s.t, maxt);
      const points: Point[] = [];
      for (let i = lastAtOrBefore(s.t, mint - 1) + 1; i <= hi; i++) {
        const v = s.v[i];
        if (v !== null && v !== undefined) points.push({ t: s.t[i]!, v });
      }
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return out;
  }

  #call(e: Extract<Expr, { kind: 'call' }>): Value {
    switch (e.fn) {
      case 'time':
        return { type: 'scalar', v: this.#t / 1000 };
      case 'vector':
        return { type: 'vector', samples: [{ labels: {}, v: this.#scalar(this.eval(e.args[0]!)) }] };
      case 'scalar': {
        const vec = this.#vector(this.eval(e.args[0]!));
        return { type: 'scalar', v: vec.length === 1 ? vec[0]!.v : NaN };
      }
      case 'absent': {
        const vec = this.#vector(this.eval(e.args[0]!));
        if (vec.length > 0) return { type: 'vector', samples: [] };
        return { type: 'vector', samples: [{ labels: absentLabels(e.args[0]!), v: 1 }] };
      }
      case 'clamp_min':
      case 'clamp_max': {
        const vec = this.#vector(this.eval(e.args[0]!));
        const bound = this.#scalar(this.eval(e.args[1]!));
        const f = e.fn === 'clamp_min' ? goMax : goMin;
        const samples = vec.map((s) => ({ labels: dropName(s.labels), v: f(bound, s.v) }));
        assertUniqueLabelsets(samples);
        return { type: 'vector', samples };
      }
      case 'histogram_quantile': {
        const q = this.#scalar(this.eval(e.args[0]!));
        return { type: 'vector', samples: histogramQuantile(q, this.#vector(this.eval(e.args[1]!))) };
      }
      case 'rate':
      case 'increase':
      case 'irate': {
        const m = e.args[0] as MatrixSelector;
        const rangeEnd = this.#t - m.vector.offsetMs;
        const rangeStart = rangeEnd - m.rangeMs;
        const samples: Sample[] = [];
        for (const s of this.#selectRange(m)) {
          const v = e.fn === 'irate' ? instantRate(s.points) : extrapolatedRate(s.points, rangeStart, rangeEnd, true, e.fn === 'rate');
          if (v !== undefined) samples.push({ labels: dropName(s.labels), v });
        }
        assertUniqueLabelsets(samples);
        return { type: 'vector', samples };
      }
    }
  }

  #binary(op: BinaryOp, lhsExpr: Expr, rhsExpr: Expr, returnBool: boolean, matching: VectorMatching | undefined): Value {
    const lhs = this.eval(lhsExpr);
    const rhs = this.eval(rhsExpr);
    if (lhs.type === 'scalar' && rhs.type === 'scalar') {
      const v = isComparison(op) ? (compare(op, lhs.v, rhs.v) ? 1 : 0) : arithmetic(op, lhs.v, rhs.v);
      return { type: 'scalar', v };
    }
    let samples: Sample[];
    if (lhs.type === 'vector' && rhs.type === 'vector') samples = vectorBinop(op, lhs.samples, rhs.samples, matching!, returnBool);
    else if (lhs.type === 'vector') samples = vectorScalarBinop(op, lhs.samples, this.#scalar(rhs), false, returnBool);
    else samples = vectorScalarBinop(op, this.#vector(rhs), this.#scalar(lhs), true, returnBool);
    assertUniqueLabelsets(samples);
    return { type: 'vector', samples };
  }
}

/** Go's math.Max/Min: NaN wins. */
function goMax(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}
function goMin(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
}

/** absent()'s labels: the selector's equality matchers, a label matched twice left out (functions.go createLabelsForAbsentFunction). */
function absentLabels(arg: Expr): Labels {
  const sel = arg.kind === 'vector' ? arg : arg.kind === 'matrix' ? arg.vector : undefined;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !seen.has(m.name)) out[m.name] = m.value;
    else delete out[m.name];
    seen.add(m.name);
  }
  return out;
}

function histogramQuantile(q: number, vec: readonly Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of vec) {
    const upperBound = parseBound(s.labels['le']);
    if (upperBound === undefined) continue;
    const key = labelsKey(withoutLabels(s.labels, ['le']));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: withoutLabels(s.labels, ['le', '__name__']), buckets: [] }));
    g.buckets.push({ upperBound, count: s.v });
  }
  const out = [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q, g.buckets) }));
  assertUniqueLabelsets(out);
  return out;
}

export function aggregate(op: AggregateOp, grouping: readonly string[], without: boolean, vec: readonly Sample[]): Sample[] {
  interface Group {
    labels: Labels;
    value: number;
    mean: number;
    count: number;
  }
  const groups = new Map<string, Group>();
  for (const s of vec) {
    const labels = without ? withoutLabels(s.labels, [...grouping, '__name__']) : onlyLabels(s.labels, grouping);
    const key = labelsKey(labels);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { labels, value: s.v, mean: s.v, count: 1 });
      continue;
    }
    switch (op) {
      case 'sum':
        g.value += s.v;
        break;
      case 'avg': {
        g.count++;
        // engine.go: an infinite mean stays put unless the new value is an opposite infinity or NaN.
        const inf = (x: number): boolean => x === Infinity || x === -Infinity;
        if (inf(g.mean) && ((inf(s.v) && g.mean > 0 === s.v > 0) || (!inf(s.v) && !Number.isNaN(s.v)))) break;
        g.mean += s.v / g.count - g.mean / g.count;
        break;
      }
      case 'count':
        g.count++;
        break;
      case 'max':
        if (g.value < s.v || Number.isNaN(g.value)) g.value = s.v;
        break;
      case 'min':
        if (g.value > s.v || Number.isNaN(g.value)) g.value = s.v;
        break;
    }
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: op === 'avg' ? g.mean : op === 'count' ? g.count : g.value }));
}

function signature(labels: Labels, m: VectorMatching): string {
  return labelsKey(m.on ? onlyLabels(labels, m.labels) : withoutLabels(labels, [...m.labels, '__name__']));
}

function vectorBinop(op: BinaryOp, lhs: readonly Sample[], rhs: readonly Sample[], m: VectorMatching, returnBool: boolean): Sample[] {
  if (op === 'and' || op === 'or' || op === 'unless') return setOp(op, lhs, rhs, m);
  if (lhs.length === 0 || rhs.length === 0) return [];
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhs, lhs] : [lhs, rhs];
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.labels, m);
    const dup = oneBySig.get(sig);
    if (dup) {
      const side = swapped ? 'left' : 'right';
      throw new ExecutionError(
        `found duplicate series for the match group ${labelsString(m.on ? onlyLabels(s.labels, m.labels) : withoutLabels(s.labels, [...m.labels, '__name__']))} on the ${side} hand-side of the operation: [${labelsString(s.labels)}, ${labelsString(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneBySig.set(sig, s);
  }
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const ls of many) {
    const sig = signature(ls.labels, m);
    const rs = oneBySig.get(sig);
    if (!rs) continue;
    const [vl, vr] = swapped ? [rs.v, ls.v] : [ls.v, rs.v];
    let value: number;
    let keep = true;
    if (isComparison(op)) {
      keep = compare(op, vl, vr);
      value = vl;
    } else value = arithmetic(op, vl, vr);
    if (returnBool) value = keep ? 1 : 0;
    else if (!keep) continue;
    let metric = resultMetric(ls.labels, rs.labels, op, m);
    if (returnBool) metric = dropName(metric);
    if (m.card === 'one-to-one') {
      if (matched.has(sig)) throw new ExecutionError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matched.set(sig, null);
    } else {
      let inserted = matched.get(sig);
      if (!inserted) matched.set(sig, (inserted = new Set()));
      const k = labelsKey(metric);
      if (inserted.has(k)) throw new ExecutionError('multiple matches for labels: grouping labels must ensure unique matches');
      inserted.add(k);
    }
    out.push({ labels: metric, v: value });
  }
  return out;
}

/** engine.go resultMetric: arithmetic drops the name; one-to-one keeps only the matching labels (on) or drops them (ignoring). */
function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, m: VectorMatching): Labels {
  let out: Record<string, string> = { ...lhs };
  if (!isComparison(op)) out = { ...dropName(out) };
  if (m.card === 'one-to-one') out = { ...(m.on ? onlyLabels(out, m.labels) : withoutLabels(out, m.labels)) };
  for (const l of m.include) {
    const v = rhs[l];
    if (v) out[l] = v;
    else delete out[l];
  }
  return out;
}

function setOp(op: 'and' | 'or' | 'unless', lhs: readonly Sample[], rhs: readonly Sample[], m: VectorMatching): Sample[] {
  const rightSigs = new Set(rhs.map((s) => signature(s.labels, m)));
  switch (op) {
    case 'and':
      if (lhs.length === 0 || rhs.length === 0) return [];
      return lhs.filter((s) => rightSigs.has(signature(s.labels, m)));
    case 'unless':
      if (lhs.length === 0 || rhs.length === 0) return [...lhs];
      return lhs.filter((s) => !rightSigs.has(signature(s.labels, m)));
    case 'or': {
      const leftSigs = new Set(lhs.map((s) => signature(s.labels, m)));
      return [...lhs, ...rhs.filter((s) => !leftSigs.has(signature(s.labels, m)))];
    }
  }
}

function vectorScalarBinop(op: BinaryOp, vec: readonly Sample[], scalar: number, swap: boolean, returnBool: boolean): Sample[] {
  const out: Sample[] = [];
  for (const s of vec) {
    const [l, r] = swap ? [scalar, s.v] : [s.v, scalar];
    let value: number;
    let keep = true;
    if (isComparison(op)) {
      keep = compare(op, l, r);
      // The vector's value is the result, whichever side it is on.
      value = s.v;
    } else value = arithmetic(op, l, r);
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ labels: !isComparison(op) || returnBool ? dropName(s.labels) : s.labels, v: value });
  }
  return out;
}
