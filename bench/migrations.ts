/**
 * `npm run bench` (migrations): `rewind migrations lint` as a user runs it (a whole process)
 * beside squawk's native binary (squawk-cli on npm) on the same files, and the analyzer in-process
 * beside libpg-query's raw parse of the same text, bodies included (the floor: parsing is the
 * least lint can do). Corpora are generated into a temporary folder and removed; `--corpus DIR` adds real ones.
 * The in-process side runs the analyzer bundled as scripts/build.js bundles it (esbuild, ESM,
 * node20, no keepNames), not its sources through tsx: that is the code a user's `rewind` runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MigrationSource, WindowOptions, WindowReport } from '../src/analyzers/sql-migration/index.ts';
import { writeMigrationFolder, writeStatementCorpus, type Corpus } from './migrations-corpus.ts';
import { interleaved, ratio, show, type Summary } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 7;

interface Analyzer {
  analyzeWindowSync(files: readonly MigrationSource[], opts?: WindowOptions): WindowReport;
  loadParser(): Promise<void>;
}

/**
 * The analyzer as the build ships it: bundled into `dir` with scripts/build.js's options, its
 * libpg-query the package this process imports (the same .wasm, compiled under the flags the
 * analyzer's loadParser sets before the floor imports the package's index). The sources through tsx carry esbuild's keepNames wrappers (`__name`), which
 * the build does not. `dir` must be under this repository's node_modules/: the analyzer requires
 * the parser's module from where its bundle is (pg-parser.ts), as dist/ does.
 */
async function builtAnalyzer(dir: string): Promise<Analyzer> {
  const outfile = join(dir, 'analyzer.mjs');
  // The analyzer imports the package's Emscripten module (pg-wasm.ts), the floor its index: both resolved here.
  const here = (spec: string): string => fileURLToPath(import.meta.resolve(spec));
  await build({
    entryPoints: [join(ROOT, 'src', 'analyzers', 'sql-migration', 'index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [{ name: 'libpg-query-here', setup: (b) => b.onResolve({ filter: /^libpg-query(\/|$)/ }, (a) => ({ path: here(a.path), external: true })) }],
  });
  return (await import(pathToFileURL(outfile).href)) as Analyzer;
}

/** Runs a whole process under GNU time, keeping its peak RSS (MB) in `rss`. */
function timedProcess(cmd: string, args: readonly string[], rss: number[]): () => Promise<void> {
  return () =>
    new Promise((done, fail) => {
      execFile('/usr/bin/time', ['-f', '%M', cmd, ...args], { maxBuffer: 512 * 2 ** 20, encoding: 'utf8' }, (err, _out, stderr) => {
        const code = (err as { code?: unknown } | null)?.code;
        // lint exits 1-3 for findings; only a process that did not run is a failure.
        if (err && typeof code !== 'number') return fail(new Error(`${cmd}: ${err.message}`));
        const kb = Number(stderr.trim().split('\n').pop());
        if (!Number.isFinite(kb)) return fail(new Error(`${cmd}: no RSS figure from /usr/bin/time: ${stderr.slice(-300)}`));
        rss.push(kb / 1024);
        done();
      });
    });
}

function sources(dir: string): MigrationSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ kind: 'text', path: join(dir, f), content: readFileSync(join(dir, f), 'utf8') }));
}

export interface LintFigures {
  readonly files: number;
  readonly statements: number | undefined;
  readonly megabytes: number;
  readonly rewindProcessMs: Summary;
  readonly squawkProcessMs: Summary;
  readonly processRatio: number | undefined;
  readonly rewindPeakRssMb: number;
  readonly squawkPeakRssMb: number;
  readonly inProcessMs: Summary;
  readonly rawParseMs: Summary;
  readonly inProcessRatio: number | undefined;
  readonly verdict: string;
  readonly beforeProcessMs?: Summary;
  readonly beforePeakRssMb?: number;
}

async function lintFigures(c: Corpus, window: boolean, analyzer: Analyzer): Promise<LintFigures> {
  const squawk = join(ROOT, 'node_modules', '.bin', 'squawk');
  const rewindRss: number[] = [];
  const squawkRss: number[] = [];
  const beforeRss: number[] = [];
  const lintArgs = ['migrations', 'lint', c.dir, '-o', 'json', ...(window ? ['--window'] : [])];
  const before = process.env['REWIND_BENCH_BEFORE'];
  const sides: Record<string, () => Promise<unknown>> = {
    rewind: timedProcess(process.execPath, [join(ROOT, 'bin', 'rewind.js'), ...lintArgs], rewindRss),
    squawk: timedProcess(squawk, ['--reporter', 'json', join(c.dir, '*.sql')], squawkRss),
  };
  if (before) sides['before'] = timedProcess(process.execPath, [before, ...lintArgs], beforeRss);
  const proc = await interleaved(sides, RUNS);
  const files = sources(c.dir);
  const { parseSync, parsePlPgSQLSync, loadModule } = await import('libpg-query');
  // The analyzer has its own instance of the module (pg-wasm.ts); this one must be ready before the
  // floor's first parse, else every parse throws and the floor times nothing.
  await loadModule();
  const rawParse = (text: string): unknown => {
    // A real corpus (--corpus) has empty files (lint: no statements; parseSync throws on '') and
    // may have one that does not parse (lint reports it): the parser's error is the floor's parse.
    if (text.trim() === '') return undefined;
    let tree;
    try {
      tree = parseSync(text);
    } catch (e) {
      return e;
    }
    // Bodies included: lint judges the statements inside DO blocks and functions, so the floor
    // parses each body as libpg-query does (parsePlPgSQLSync on the DO / CREATE FUNCTION text,
    // parseSync on a LANGUAGE sql body's string); the statements a PL/pgSQL body runs come back as
    // text, and are not parsed again here.
    const bytes = Buffer.from(text, 'utf8');
    for (const s of tree.stmts ?? []) {
      const node = s.stmt as Record<string, { args?: unknown[]; options?: unknown[] }> | undefined;
      const opts = node?.['DoStmt']?.args ?? node?.['CreateFunctionStmt']?.options;
      if (!opts) continue;
      const def = (name: string) => opts.map((o) => (o as { DefElem?: { defname?: string; arg?: unknown } }).DefElem).find((d) => d?.defname === name)?.arg;
      const lang = (def('language') as { String?: { sval?: string } } | undefined)?.String?.sval?.toLowerCase() ?? (node?.['DoStmt'] ? 'plpgsql' : 'sql');
      const start = s.stmt_location ?? 0;
      const stmtText = bytes.subarray(start, s.stmt_len ? start + s.stmt_len : undefined).toString('utf8');
      try {
        if (lang === 'plpgsql') parsePlPgSQLSync(stmtText);
        else if (lang === 'sql') {
          const as = def('as') as { List?: { items?: { String?: { sval?: string } }[] } } | undefined;
          const body = as?.List?.items?.[0]?.String?.sval;
          if (body?.trim()) parseSync(body);
        }
      } catch {
        // a body that does not parse: lint reports it; its parse was still done
      }
    }
    return tree;
  };
  // A floor whose every parse threw would time nothing (the break 4a9f364 fixed): refuse it.
  const trial = files.map((f) => (f.kind === 'text' ? rawParse(f.content) : undefined)).filter((r) => r !== undefined);
  if (trial.length > 0 && trial.every((r) => r instanceof Error)) throw new Error(`the floor's every parse threw (first: ${(trial[0] as Error).message}): it would time nothing`);
  let verdict = '';
  const inProc = await interleaved(
    {
      lint: () => Promise.resolve((verdict = analyzer.analyzeWindowSync(files, { window }).verdict)),
      parse: () => Promise.resolve(files.map((f) => (f.kind === 'text' ? rawParse(f.content) : undefined))),
    },
    RUNS,
  );
  return {
    files: c.files,
    statements: c.statements,
    megabytes: Math.round((c.bytes / 2 ** 20) * 100) / 100,
    rewindProcessMs: proc['rewind']!,
    squawkProcessMs: proc['squawk']!,
    processRatio: ratio(proc['rewind']!, proc['squawk']!),
    ...(proc['before'] ? { beforeProcessMs: proc['before'], beforePeakRssMb: Math.round(Math.max(...beforeRss)) } : {}),
    rewindPeakRssMb: Math.round(Math.max(...rewindRss)),
    squawkPeakRssMb: Math.round(Math.max(...squawkRss)),
    inProcessMs: inProc.lint,
    rawParseMs: inProc.parse,
    inProcessRatio: ratio(inProc.lint, inProc.parse),
    verdict,
  };
}

export async function benchMigrations(corpora: readonly string[] = []): Promise<Record<string, unknown>> {
  const tmp = mkdtempSync(join(tmpdir(), 'rewind-bench-lint-'));
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const bundleDir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'rewind-bench-lint-'));
  try {
    const analyzer = await builtAnalyzer(bundleDir);
    await analyzer.loadParser();
    const squawkVersion = execFileSync(join(ROOT, 'node_modules', '.bin', 'squawk'), ['--version'], { encoding: 'utf8' }).trim();
    const result: Record<string, unknown> = { squawk: squawkVersion };
    const sets: [string, Corpus, boolean][] = [
      ['folder320', writeMigrationFolder(join(tmp, 'folder'), 320), true],
      ['statements20k', writeStatementCorpus(join(tmp, 'statements'), 20_000), false],
      ...corpora.map((dir): [string, Corpus, boolean] => {
        const files = sources(dir);
        const bytes = files.reduce((n, f) => n + (f.kind === 'text' ? Buffer.byteLength(f.content) : 0), 0);
        return [`corpus:${dir}`, { dir, files: files.length, statements: Number.NaN, bytes }, true];
      }),
    ];
    for (const [name, c, window] of sets) {
      const f = await lintFigures(c, window, analyzer);
      result[name] = { ...f, statements: Number.isNaN(f.statements) ? undefined : f.statements };
      console.log(`lint ${name}: ${c.files} files, ${f.megabytes} MB, verdict ${f.verdict}`);
      console.log(`  rewind migrations lint (process) ${show(f.rewindProcessMs)}, peak RSS ${f.rewindPeakRssMb} MB`);
      console.log(`  squawk ${squawkVersion} (process)   ${show(f.squawkProcessMs)}, peak RSS ${f.squawkPeakRssMb} MB   ratio ${f.processRatio ?? 'n/a'}x`);
      if (f.beforeProcessMs) console.log(`  before (REWIND_BENCH_BEFORE) (process) ${show(f.beforeProcessMs)}, peak RSS ${f.beforePeakRssMb} MB`);
      console.log(`  in-process lint ${show(f.inProcessMs)} vs raw parse (bodies included) ${show(f.rawParseMs)}   ratio ${f.inProcessRatio ?? 'n/a'}x`);
    }
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

