/**
 * A small validator for the JSON rewind reads back (saved plans, journaled plans): each schema
 * checks a value and returns it typed, or throws `SchemaError` naming the path and what was
 * expected. Small on purpose: step parameters are a handful of strings, numbers and records.
 *
 * ### Examples
 * ```ts
 * const id = S.object({ id: S.integer({ min: 1 }), revision: S.string() });
 * id.parse({ id: 41, revision: 'a1b2c3d' }, 'params'); // typed value
 * id.parse({ id: '41' }, 'params');                     // SchemaError: params.id: expected an integer, got "41"
 * ```
 */
export class SchemaError extends Error {}

export interface Schema<T> {
  parse(value: unknown, path: string): T;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 60));
const fail = (path: string, expected: string, v: unknown): never => {
  throw new SchemaError(`${path}: expected ${expected}, got ${show(v)}`);
};

type Shape = Readonly<Record<string, Schema<unknown>>>;
type Value<X> = X extends Schema<infer T> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: unknown extends Value<S[K]> ? never : undefined extends Value<S[K]> ? K : never }[keyof S];
/** Fields whose schema admits `undefined` are optional keys (as `S.optional` fields are written). */
type Parsed<S extends Shape> = { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Value<S[K]> } & { readonly [K in OptionalKeys<S>]?: Exclude<Value<S[K]>, undefined> };

export const S = {
  string(): Schema<string> {
    return { parse: (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v)) };
  },
  boolean(): Schema<boolean> {
    return { parse: (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v)) };
  },
  number(): Schema<number> {
    return { parse: (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v)) };
  },
  integer(opts: { min?: number } = {}): Schema<number> {
    return {
      parse: (v, p) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) return fail(p, 'an integer', v);
        if (opts.min !== undefined && v < opts.min) return fail(p, `an integer >= ${opts.min}`, v);
        return v;
      },
    };
  },
  literal<T extends string | number>(...values: readonly T[]): Schema<T> {
    return { parse: (v, p) => (values.includes(v as T) ? (v as T) : fail(p, values.map((x) => JSON.stringify(x)).join(' or '), v)) };
  },
  nullable<T>(inner: Schema<T>): Schema<T | null> {
    return { parse: (v, p) => (v === null ? null : inner.parse(v, p)) };
  },
  optional<T>(inner: Schema<T>): Schema<T | undefined> {
    return { parse: (v, p) => (v === undefined ? undefined : inner.parse(v, p)) };
  },
  array<T>(inner: Schema<T>): Schema<readonly T[]> {
    return { parse: (v, p) => (Array.isArray(v) ? v.map((x, i) => inner.parse(x, `${p}[${i}]`)) : fail(p, 'a list', v)) };
  },
  record<T>(inner: Schema<T>): Schema<Readonly<Record<string, T>>> {
    return {
      parse: (v, p) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inner.parse(x, `${p}.${k}`)]));
      },
    };
  },
  /** Unknown keys are refused: a misspelt parameter must not be silently ignored. */
  object<Sh extends Shape>(shape: Sh): Schema<Parsed<Sh>> {
    return {
      parse: (v, p) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
        const input = v as Record<string, unknown>;
        for (const k of Object.keys(input)) if (!(k in shape)) throw new SchemaError(`${p}.${k}: unknown field`);
        const out: Record<string, unknown> = {};
        for (const [k, schema] of Object.entries(shape)) {
          const value = schema.parse(input[k], `${p}.${k}`);
          if (value !== undefined) out[k] = value;
        }
        return out as Parsed<Sh>;
      },
    };
  },
  /** The first alternative that parses (alternatives told apart by a literal field, e.g. `kind`). */
  union<A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> {
    return {
      parse: (v, p) => {
        try {
          return a.parse(v, p);
        } catch (first) {
          try {
            return b.parse(v, p);
          } catch {
            throw first;
          }
        }
      },
    };
  },
  /** Any JSON value (evidence and other free-form data the executor never acts on). */
  unknown(): Schema<unknown> {
    return { parse: (v) => v };
  },
} as const;
