/**
 * flagd flag-definition files (https://flagd.dev/reference/flag-definitions/, schema
 * `flagd-schema/json/flags.json`): read one flag's state by evaluating the file with flagd's own
 * evaluator (`@openfeature/flagd-core`, the in-process core flagd's JS providers embed), turn a
 * flag off in the file's text, put a saved definition back, and compare two versions flag by flag.
 *
 * Turning off follows flagd's semantics (`flagd/core/pkg/evaluator/json.go`): with targeting
 * absent, a flag resolves to `defaultVariant` (reason STATIC); a targeting rule that returns a
 * variant wins over the default. So "off" is `defaultVariant` = the variant whose value is
 * `false`, and no targeting (any rule could return the on variant for some context).
 * A DISABLED flag resolves to FLAG_NOT_FOUND in flagd, which an SDK turns into the caller's
 * default: that is "unknown", never "off".
 */
import { FlagdCore } from '@openfeature/flagd-core';
import type { Logger } from '@openfeature/core';
import { AdapterError, NotFoundError } from '../../core/errors.ts';
import type { FlagChange, FlagState } from '../../core/flags/types.ts';

type Json = Record<string, unknown>;

const quiet: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

export function parseDefinitions(text: string, where: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AdapterError('flagd', 'parse', `${where} is not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || typeof (doc as Json)['flags'] !== 'object') throw new AdapterError('flagd', 'parse', `${where} is not a flagd flag-definition file (no "flags" object)`);
  return doc as Json;
}

function flagsOf(doc: Json): Record<string, Json> {
  return doc['flags'] as Record<string, Json>;
}

/** The flag's state as flagd evaluates it for an anonymous request (no context). */
export function evaluate(text: string, key: string, source: string): FlagState {
  const doc = parseDefinitions(text, source);
  const def = flagsOf(doc)[key];
  if (!def) throw new NotFoundError(`flag ${key} is not defined in ${source}`, { hint: 'check apps[].flags[].key and flagd.file in rewind.yaml' });
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  const r = core.resolveBooleanEvaluation(key, false, {}, quiet);
  const variants = (def['variants'] ?? {}) as Record<string, unknown>;
  const offVariant = Object.entries(variants).find(([, v]) => v === false)?.[0] ?? null;
  const targeting = def['targeting'] !== undefined && def['targeting'] !== null && !(typeof def['targeting'] === 'object' && Object.keys(def['targeting']).length === 0);
  const on = r.reason === 'ERROR' ? null : r.value;
  return {
    key,
    on,
    defaultVariant: typeof def['defaultVariant'] === 'string' ? def['defaultVariant'] : null,
    targeting: targeting && def['state'] !== 'DISABLED',
    offVariant,
    source,
    snapshot: JSON.stringify(def),
  };
}

/** Keeps the file's indentation (2 spaces unless it used something else) and its final newline. */
function render(doc: Json, original: string): string {
  const indent = /^\{\s*\n([ \t]+)"/.exec(original)?.[1] ?? '  ';
  return `${JSON.stringify(doc, null, indent)}${original.endsWith('\n') ? '\n' : ''}`;
}

/** The file with `key` off: `defaultVariant` = its false variant, targeting removed, state ENABLED. */
export function turnOffIn(text: string, key: string, where: string): string {
  const doc = parseDefinitions(text, where);
  const def = flagsOf(doc)[key];
  if (!def) throw new NotFoundError(`flag ${key} is not defined in ${where}`);
  const off = Object.entries((def['variants'] ?? {}) as Record<string, unknown>).find(([, v]) => v === false)?.[0];
  if (off === undefined) throw new AdapterError('flagd', 'turn off', `flag ${key} in ${where} has no variant whose value is false`);
  const { targeting: _t, ...rest } = def;
  flagsOf(doc)[key] = { ...rest, state: 'ENABLED', defaultVariant: off };
  return render(doc, text);
}

/** The file with `key`'s definition replaced by `snapshot` (as `evaluate` returned it). */
export function restoreIn(text: string, key: string, snapshot: string, where: string): string {
  const doc = parseDefinitions(text, where);
  let def: unknown;
  try {
    def = JSON.parse(snapshot);
  } catch {
    throw new AdapterError('flagd', 'restore', `the saved definition of ${key} is not JSON`);
  }
  flagsOf(doc)[key] = def as Json;
  return render(doc, text);
}

/**
 * Flag by flag, what changed between two versions of a file: every flag whose definition
 * differs, each evaluated on both sides; and what changed outside `flags` ($evaluators, metadata).
 */
export function compareDefinitions(file: string, before: string | undefined, after: string | undefined, sources: { before: string; after: string }): { changes: FlagChange[]; other: string[] } {
  const a = before === undefined ? { flags: {} } : parseDefinitions(before, sources.before);
  const b = after === undefined ? { flags: {} } : parseDefinitions(after, sources.after);
  const other = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'flags' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  const keys = [...new Set([...Object.keys(flagsOf(a)), ...Object.keys(flagsOf(b))])].sort();
  const changes = keys
    .filter((k) => JSON.stringify(flagsOf(a)[k]) !== JSON.stringify(flagsOf(b)[k]))
    .map((key): FlagChange => ({
      key,
      file,
      before: before !== undefined && flagsOf(a)[key] ? evaluate(before, key, sources.before) : null,
      after: after !== undefined && flagsOf(b)[key] ? evaluate(after, key, sources.after) : null,
      definitionChanged: true,
    }));
  return { changes, other };
}
