import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { compareMigrationPaths, downPathFor, isDownMigration, type MigrationSource } from '../../analyzers/sql-migration/index.ts';
import { decodeMigration } from './decode-migration.ts';

export interface ReadFilesResult {
  /** Migrations to judge, in apply order (within each named path). */
  readonly files: readonly MigrationSource[];
  /** Down migrations paired to the files, by path as reported. */
  readonly downs: ReadonlyMap<string, string>;
}

/**
 * Reads the files and folders the user named. A folder contributes its `.sql` files
 * (recursively, in migration order, down migrations excluded but kept for pairing);
 * a file named directly is judged whatever its name. Unreadable paths become `unreadable`
 * entries, so the other files of the run are still judged.
 */
export async function readMigrationPaths(paths: readonly string[], opts: { cwd: string; maxBytes: number }): Promise<ReadFilesResult> {
  const files: MigrationSource[] = [];
  const downs = new Map<string, string>();
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : join(opts.cwd, p);
    let info;
    try {
      info = await stat(abs);
    } catch (e) {
      files.push({ kind: 'unreadable', path: p, reason: describe(e) });
      continue;
    }
    if (info.isDirectory()) {
      const found = (await listSql(abs)).sort(compareMigrationPaths);
      // NOTE: read all at once (issue 19: one by one, 320 small files took 115 ms of waiting); the order is the list's.
      const ups = found.map((f) => ({ f, rel: join(p, relative(abs, f)) })).filter(({ rel }) => !isDownMigration(rel));
      files.push(...(await mapLimited(ups, ({ f, rel }) => readOne(f, rel, opts.maxBytes))));
    } else {
      files.push(await readOne(abs, p, opts.maxBytes));
    }
  }
  // Pair downs: read the file the layout names, if it exists.
  const cands = files.flatMap((f) => {
    const cand = f.kind === 'text' ? downPathFor(f.path) : undefined;
    return cand ? [cand.path] : [];
  });
  const read = await mapLimited(cands, (path) => readOne(isAbsolute(path) ? path : join(opts.cwd, path), path, opts.maxBytes));
  cands.forEach((path, i) => {
    const down = read[i];
    if (down?.kind === 'text') downs.set(path, down.content);
  });
  return { files, downs };
}

/** At most this many files open at once: a folder of thousands must not run out of descriptors (EMFILE). */
const OPEN_AT_ONCE = 32;

/** `items.map(fn)` awaited, in order, with at most OPEN_AT_ONCE calls running. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, items.length) }, worker));
  return out;
}

/** What a path is when it is not a regular file (opening a FIFO would block until a writer comes). */
function special(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return info.isDirectory() ? 'a directory' : 'not a regular file';
}

async function readOne(abs: string, path: string, maxBytes: number): Promise<MigrationSource> {
  let fh;
  try {
    const kind = special(await stat(abs));
    if (kind !== undefined) return { kind: 'unreadable', path, reason: `${kind}, not a regular file: refused without reading` };
    fh = await open(abs, 'r');
    const size = (await fh.stat()).size;
    if (size > maxBytes) return { kind: 'unreadable', path, reason: `file is ${size} bytes, over the --max-bytes cap of ${maxBytes}` };
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return decodeMigration(path, buf.subarray(0, off), maxBytes);
  } catch (e) {
    return { kind: 'unreadable', path, reason: describe(e) };
  } finally {
    await fh?.close();
  }
}

async function listSql(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listSql(p)));
    else if (entry.name.toLowerCase().endsWith('.sql')) out.push(p); // special files are refused by readOne
  }
  return out;
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message ?? String(e);
}
