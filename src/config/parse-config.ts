import { statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { Locator, type ConfigIssue } from './config-issues.ts';
import { prometheusAuthIsOneReference, rules as defaultRules, secretsOnlyByReference, type Rule } from './config-rules.ts';
import { rewindConfigSchema } from './config-schema.ts';
import type { RewindConfig } from './config-types.ts';
import { normalizeConfig, type WrittenConfig } from './normalize-config.ts';
import { checkShape } from './shape-check.ts';

/** The pipeline's answer: a config only when there are no errors. */
export interface ConfigResult {
  readonly config: RewindConfig | undefined;
  readonly warnings: readonly ConfigIssue[];
  readonly errors: readonly ConfigIssue[];
}

export interface ParseConfigOptions {
  /** Mode bits of a path, undefined when missing; the real file system by default. */
  readonly statMode?: (path: string) => number | undefined;
  readonly rules?: readonly Rule[];
}

export const realStatMode = (path: string): number | undefined => {
  try {
    return statSync(path).mode;
  } catch {
    return undefined;
  }
};

/**
 * rewind.yaml's pipeline: YAML (with positions) → shape → normalize → rules. Every issue
 * carries "file:line:col"; unknown keys are warnings, everything else errors.
 *
 * ### Examples
 * ```ts
 * parseConfig('argocd: { url: https://argocd.example.com, token: abc }\napps: []\n', '/etc/rewind.yaml').errors;
 * // [{ message: 'inline secret "token" is not allowed: put it in an env var (tokenEnv) or a 0600 file (tokenFile)',
 * //    where: '/etc/rewind.yaml:1:45', path: 'argocd.token' }]
 * ```
 */
export function parseConfig(text: string, file: string, options: ParseConfigOptions = {}): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => ({
      // NOTE: prettyErrors appends " at line L, column C:" and a code frame; the where says it once.
      message: `invalid YAML: ${e.message.split(' at line ')[0] ?? e.message}`,
      where: `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}`,
      path: '',
    }));
    return { config: undefined, warnings: [], errors };
  }
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  if (doc.contents === null) {
    return { config: undefined, warnings, errors: [{ message: 'the file is empty: it needs at least argocd and apps', where: `${file}:1:1`, path: '' }] };
  }
  checkShape(rewindConfigSchema, doc.contents, [], loc, { errors, warnings });
  const written = doc.toJS() as WrittenConfig;
  const cfg = errors.length === 0 ? normalizeConfig(written, file) : undefined;
  // Secrets are checked even when the shape is wrong: an inline token must never pass silently.
  const ctx = { written, loc, statMode: options.statMode ?? realStatMode, errors, warnings };
  if (cfg !== undefined) {
    for (const rule of options.rules ?? defaultRules) rule({ ...ctx, config: cfg });
  } else if (typeof written === 'object' && written !== null && typeof written.argocd === 'object' && written.argocd !== null) {
    secretsOnlyByReference(ctx);
    prometheusAuthIsOneReference(ctx);
  }
  // A key that is an error (an inline token) is not also "unknown".
  const errorPaths = new Set(errors.map((e) => e.path));
  const kept = warnings.filter((w) => !errorPaths.has(w.path));
  return { config: errors.length === 0 ? cfg : undefined, warnings: kept, errors };
}
