/**
 * `npm run bench` (migrations): statements per second and memory of the analyzer, in process and
 * as a user runs it (a whole `rewind migrations lint` process), beside `squawk` on the same input.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeWindowSync, loadParser, type MigrationSource } from '../src/analyzers/sql-migration/index.ts';
import { writeMigrationFolder, writeStatementCorpus, type Corpus } from './migrations-corpus.ts';

interface ProcessRun {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly exit: number | null;
}

/** Wall time and peak RSS of a whole process, through GNU time (the way a user runs the tool). */
function timeProcess(cmd: string, args: readonly string[]): ProcessRun {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = (performance.now() - t) / 1000;
  const kb = Number((r.stderr.trim().split('\n').pop() ?? '0').trim());
  return { seconds, maxRssMb: Math.round(kb / 1024), exit: r.status };
}

function sources(c: Corpus): MigrationSource[] {
  return readdirSync(c.dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ kind: 'text', path: join(c.dir, f), content: readFileSync(join(c.dir, f), 'utf8') }));
}

function inProcess(c: Corpus, window: boolean): { seconds: number; statementsPerSecond: number; heapMb: number; rssMb: number; verdict: string } {
  const files = sources(c);
  analyzeWindowSync(files.slice(0, 1), { window }); // warm up the WASM parser and the JIT
  const t = performance.now();
  const r = analyzeWindowSync(files, { window });
  const seconds = (performance.now() - t) / 1000;
  const mem = process.memoryUsage();
  return { seconds: round(seconds), statementsPerSecond: Math.round(c.statements / seconds), heapMb: Math.round(mem.heapUsed / 2 ** 20), rssMb: Math.round(mem.rss / 2 ** 20), verdict: r.verdict };
}

export async function benchMigrations(): Promise<Record<string, unknown>> {
  await loadParser();
  const out = join(process.cwd(), 'bench', '.out');
  const corpus = writeStatementCorpus(join(out, 'statements'), 20_000);
  const folder = writeMigrationFolder(join(out, 'folder'), 320);
  const squawk = join(process.cwd(), 'node_modules', '.bin', 'squawk');
  const rewindBin = join(process.cwd(), 'bin', 'rewind.js');
  const squawkVersion = execFileSync(squawk, ['--version'], { encoding: 'utf8' }).trim();
  const result: Record<string, unknown> = { squawk: squawkVersion };
  for (const [name, c, window] of [['statements20k', corpus, false], ['folder320', folder, true]] as const) {
    const mem = inProcess(c, window);
    const lintArgs = [rewindBin, 'migrations', 'lint', c.dir, '-o', 'json', ...(window ? ['--window'] : [])];
    const rw = timeProcess(process.execPath, lintArgs);
    const sq = timeProcess(squawk, ['--reporter', 'json', join(c.dir, '*.sql')]);
    result[name] = {
      files: c.files,
      statements: c.statements,
      megabytes: round(c.bytes / 2 ** 20),
      inProcess: mem,
      rewindProcess: { ...rw, seconds: round(rw.seconds), statementsPerSecond: Math.round(c.statements / rw.seconds) },
      squawkProcess: { ...sq, seconds: round(sq.seconds), statementsPerSecond: Math.round(c.statements / sq.seconds) },
      // >1 means rewind takes longer than squawk for the same input.
      timeRatioRewindOverSquawk: round(rw.seconds / sq.seconds),
      rssRatioRewindOverSquawk: round(rw.maxRssMb / Math.max(1, sq.maxRssMb)),
    };
  }
  console.log(JSON.stringify({ migrations: result }, null, 2));
  return result;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// Runnable alone: node --import tsx bench/migrations.ts
if (process.argv[1]?.endsWith('migrations.ts')) await benchMigrations();
