import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { ConfigIssue } from './config-issues.ts';
import type { RewindConfig } from './config-types.ts';
import { parseConfig, realStatMode, type ParseConfigOptions } from './parse-config.ts';
import { readCachedConfig, writeCachedConfig, type ConfigCache } from './config-cache.ts';

export interface LoadConfigOptions {
  /** `--config FILE`. */
  readonly flag?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Called once per warning (unknown keys, insecure TLS); the CLI prints them on stderr. */
  readonly onWarning?: (warning: ConfigIssue) => void;
  readonly statMode?: ParseConfigOptions['statMode'];
  /** Where the last valid config's answer is kept between commands (config-cache.ts); none: always parsed. */
  readonly cache?: ConfigCache | undefined;
}

export const SANDBOX_CONFIG = '.rewind/sandbox/rewind.yaml';

/**
 * Where rewind looks, in order: `--config`, then `$REWIND_CONFIG`, then `./rewind.yaml`, then the
 * sandbox's `.rewind/sandbox/rewind.yaml`. An explicit `--config` or `$REWIND_CONFIG` that does
 * not exist is an error of its own, never skipped: the user named it.
 */
export function configCandidates(opts: Pick<LoadConfigOptions, 'flag' | 'env' | 'cwd'>): { readonly path: string; readonly origin: string; readonly explicit: boolean }[] {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(opts.cwd, p));
  if (opts.flag) return [{ path: abs(opts.flag), origin: '--config', explicit: true }];
  const fromEnv = opts.env['REWIND_CONFIG'];
  if (fromEnv) return [{ path: abs(fromEnv), origin: 'REWIND_CONFIG', explicit: true }];
  return [
    { path: abs('rewind.yaml'), origin: './rewind.yaml', explicit: false },
    { path: abs(SANDBOX_CONFIG), origin: 'the sandbox', explicit: false },
  ];
}

/**
 * Finds, reads and validates rewind.yaml. Throws one ConfigError listing every error with its
 * file:line:col (the first one's position in `where`), or naming every place it looked.
 *
 * ### Examples
 * ```ts
 * const config = await loadConfig({ flag: argv.config, env: process.env, cwd: process.cwd() });
 * config.argocd.token; // { env: 'ARGOCD_AUTH_TOKEN' }
 * ```
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<RewindConfig> {
  const { file, text } = await readConfigText(opts);
  const statMode = opts.statMode ?? realStatMode;
  const cached = opts.cache && readCachedConfig(opts.cache, file, text, statMode);
  if (cached) {
    for (const w of cached.warnings) opts.onWarning?.(w);
    return cached.config;
  }
  const stats: [string, number | null][] = [];
  const result = parseConfig(text, file, {
    statMode: (path) => {
      const mode = statMode(path);
      stats.push([path, mode ?? null]);
      return mode;
    },
  });
  for (const w of result.warnings) opts.onWarning?.(w);
  if (opts.cache && result.config !== undefined && result.errors.length === 0) writeCachedConfig(opts.cache, file, text, stats, result.config, result.warnings);
  const first = result.errors[0];
  if (first !== undefined || result.config === undefined) {
    const more = result.errors.slice(1).map((e) => `\n${e.where}: ${e.message}`).join('');
    throw new ConfigError(`${first?.message ?? 'invalid configuration'}${more}`, {
      where: first?.where ?? file,
      hint: `fix ${file} (schema: src/config/rewind.schema.json)`,
    });
  }
  return result.config;
}

/** The first candidate that exists, and its text. */
async function readConfigText(opts: LoadConfigOptions): Promise<{ readonly file: string; readonly text: string }> {
  const candidates = configCandidates(opts);
  for (const c of candidates) {
    let text: string;
    try {
      text = await readFile(c.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new ConfigError(`cannot read ${c.path}: ${(err as Error).message}`, { cause: err });
      }
      if (c.explicit) {
        throw new ConfigError(`${c.path} (from ${c.origin}) does not exist`, { hint: `check the path given by ${c.origin}` });
      }
      continue;
    }
    return { file: c.path, text };
  }
  const looked = candidates.map((c) => c.path).join(' or ');
  throw new ConfigError(`no rewind.yaml found: no --config, no $REWIND_CONFIG, and none at ${looked}`, {
    hint: 'start the sandbox with `rewind sandbox up --detach`, or write rewind.yaml (see README)',
  });
}
