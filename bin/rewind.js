#!/usr/bin/env node
// Runs the bundled CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`) when it
// is at least as new as every source file, and otherwise the TypeScript sources through tsx, so an
// edit is never shadowed by a stale bundle. REWIND_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import v8 from 'node:v8';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'rewind.js');
// The commands scripts/build.js also bundles as one script each (its `hotBundles`), and for each
// the built-in modules it loads, when its young generation is held (see runHot).
const hotCommands = new Map([
  ['plan', ['node:process', 'node:fs/promises', 'node:os', 'node:timers/promises', 'node:http', 'node:child_process']],
  // NOTE: not held: the demo runs for seconds beside its sandbox, where a grown young generation costs nothing.
  ['demo', undefined],
]);

// NOTE: every command but a hot one (`hotFresh`) pays for this walk (~480 files): one stack, plain
// string paths and no recursion cost about a third of path.join per entry, measured on the start
// of `migrations lint`.
function newestMtime(root) {
  let newest = 0;
  const dirs = [root];
  while (dirs.length > 0) {
    const dir = dirs.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${entry.name}`;
      if (entry.isDirectory()) dirs.push(p);
      // A test file is in no bundle: editing one leaves dist/ as fresh as it was (a fifth fewer stats).
      else if (!entry.name.endsWith('.test.ts')) {
        const m = statSync(p).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  }
  return newest;
}

/**
 * Runs a hot bundle (scripts/build.js `hotBundles`) as a script with a V8 code cache: the cache is
 * read when present and written once after a run that had none (or whose cache V8 refused: another
 * Node, other flags), so it holds the functions that run compiled. Its name carries the script's
 * mtime: V8 checks a cache against the source's length only, and a rebuild empties dist/ anyway.
 * A cache that cannot be written (a read-only install) costs nothing but the next run's compile.
 */
async function runHot(file, argv, builtins) {
  const cacheFile = `${file}.${Math.trunc(statSync(file).mtimeMs)}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run: compiled from source, cached at exit
  }
  // NOTE: node:https loaded before the script compiles makes a plan of the seed incident ~10 ms
  // faster (three runs of 15-21 interleaved plans, with and without NODE_EXTRA_CA_CERTS), more than
  // its own ~3 ms load, which the plan pays anyway; why it saves more is not pinned down (issue 19).
  createRequire(file)('node:https');
  if (builtins) loadBuiltins(createRequire(file), builtins);
  // NOTE: the script is a function expression (scripts/build.js gives it its banner and footer).
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  cachedData = undefined;
  // NOTE: V8 doubles the young generation (2 x 1 MB at start, up to 2 x 16 MB) each time as much as
  // it holds has survived scavenges, as a plan's modules and facts do: a plan of an app with 10,001
  // history entries grew it to 2 x 8 MB, ~8 MB of its peak RSS (issue 19: 78 -> 70 MB, and ~8 ms
  // faster, 15 runs each interleaved). The growth factor is read at each growth, so it can be set
  // here; but a flag set at run time makes V8 refuse every code cache made under other flags:
  // Node's own for each built-in loaded after it (~7 ms for node:http and node:child_process), and
  // this script's. So it is set after the script compiled and after the command's built-ins
  // loaded (hot-bundle.test checks that none loads later), and set back before the cache is written.
  if (builtins) v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (!cached) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  return module.exports.start(argv);
}

/** V8's own (`node --v8-options`), which the cache must be written under. */
const DEFAULT_GROWTH_FACTOR = 2;

/** The built-ins and their lazily loaded parts, so that none compiles after a flag is set. */
function loadBuiltins(require, builtins) {
  for (const name of builtins) require(name);
  const util = require('node:util');
  void util.parseArgs;
  util.isDeepStrictEqual(0, 0);
  void process.stdout;
  void process.stderr;
}

/**
 * Whether a hot script is at least as new as every source file it was built from, which
 * scripts/build.js lists beside it (`<command>.inputs.json`): about two thirds of the files the
 * walk below stats, and no directory read (issue 19). A file added since is in no bundle until a
 * listed file that imports it changes; a listed file gone, or no list, and the walk decides.
 */
function hotFresh(file) {
  try {
    const built = statSync(file).mtimeMs;
    for (const f of JSON.parse(readFileSync(file.replace(/\.cjs$/, '.inputs.json'), 'utf8'))) if (statSync(join(root, f)).mtimeMs > built) return false;
    return true;
  } catch {
    return false;
  }
}

const argv = process.argv.slice(2);
// NOTE: the command word as src/cli/main.ts finds it: the first argument that is not an option.
const command = argv.find((a) => !a.startsWith('-'));
const hot = !process.env.REWIND_FROM_SOURCE && hotCommands.has(command) ? join(root, 'dist', 'hot', `${command}.cjs`) : undefined;
const fresh = () => !process.env.REWIND_FROM_SOURCE && existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(join(root, 'src'));
if (hot && hotFresh(hot)) {
  process.exitCode = await runHot(hot, argv, hotCommands.get(command));
} else if (fresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
