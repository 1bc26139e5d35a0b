/**
 * The last valid rewind.yaml's answer, kept on disk so the next command skips the YAML pipeline
 * (issue 19: a cold process spent ~8-10 ms of a plan's critical path parsing a 4 KB rewind.yaml
 * with the yaml library, before its first request could go out).
 *
 * An entry answers only for the same file path, the same text (its SHA-256), the same rewind
 * build (the schema and rules are the build's) and the same modes of every file the rules
 * checked (a token file made readable by others since is an error again). Only a config with no
 * errors that JSON gives back unchanged is kept; its warnings are kept with it and said again.
 * One file, the last config read: a cache that cannot be read or written costs only the parse.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ConfigIssue } from './config-issues.ts';
import type { RewindConfig } from './config-types.ts';

export interface ConfigCache {
  /** The folder the cache file lives in (rewind's state directory). */
  readonly dir: string;
  /** The rewind build the answer came from: another build parses again. */
  readonly build: string;
}

/** What the rules read of the file system: each path's mode bits, null when missing. */
export type StatRecord = readonly (readonly [string, number | null])[];

interface Entry {
  readonly build: string;
  readonly file: string;
  readonly sha256: string;
  readonly stats: StatRecord;
  readonly config: RewindConfig;
  readonly warnings: readonly ConfigIssue[];
}

const FILE = 'config-cache.json';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

export function readCachedConfig(cache: ConfigCache, file: string, text: string, statMode: (path: string) => number | undefined): { config: RewindConfig; warnings: readonly ConfigIssue[] } | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(join(cache.dir, FILE), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry.build !== cache.build || entry.file !== file || entry.sha256 !== digest(text) || !Array.isArray(entry.stats)) return undefined;
  for (const [path, mode] of entry.stats as StatRecord) if ((statMode(path) ?? null) !== mode) return undefined;
  return { config: entry.config, warnings: entry.warnings };
}

export function writeCachedConfig(cache: ConfigCache, file: string, text: string, stats: StatRecord, config: RewindConfig, warnings: readonly ConfigIssue[]): void {
  const body = JSON.stringify({ build: cache.build, file, sha256: digest(text), stats, config, warnings } satisfies Entry);
  // A config JSON would give back otherwise (an undefined field, a non-finite number) is not kept.
  const back = JSON.parse(body) as Entry;
  if (!isDeepStrictEqual(back.config, config) || !isDeepStrictEqual(back.warnings, warnings)) return;
  const tmp = join(cache.dir, `${FILE}.${process.pid}`);
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, join(cache.dir, FILE));
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // no folder to hold it: nothing was written
    }
  }
}
