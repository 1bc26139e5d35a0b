#!/usr/bin/env node
// Runs the bundled CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`) when it
// is at least as new as every source file, and otherwise the TypeScript sources through tsx, so an
// edit is never shadowed by a stale bundle. REWIND_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'rewind.js');
// The commands scripts/build.js also bundles as one script each (its `hotBundles`).
const hotCommands = new Set(['plan', 'demo']);

// NOTE: every command pays for this walk (~480 files): one stack, plain string paths and no
// recursion cost about a third of path.join per entry, measured on the start of `migrations lint`.
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
async function runHot(file, argv) {
  const cacheFile = `${file}.${Math.trunc(statSync(file).mtimeMs)}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run: compiled from source, cached at exit
  }
  // NOTE: no V8 flag is set here or in the script (src/cli/hot-entry.ts `keepV8Flags`): V8 refuses a
  // cache made under other flags, and a flag set at run time costs every built-in loaded after it
  // Node's own code cache (~10 ms of a plan's start).
  // NOTE: node:https loaded before the script compiles makes a plan of the seed incident ~10 ms
  // faster (three runs of 15-21 interleaved plans, with and without NODE_EXTRA_CA_CERTS), more than
  // its own ~3 ms load, which the plan pays anyway; why it saves more is not pinned down (issue 19).
  createRequire(file)('node:https');
  // NOTE: the script is a function expression (scripts/build.js gives it its banner and footer).
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  cachedData = undefined;
  if (!cached) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}`;
      try {
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

const fresh = !process.env.REWIND_FROM_SOURCE && existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(join(root, 'src'));
const argv = process.argv.slice(2);
// NOTE: the command word as src/cli/main.ts finds it: the first argument that is not an option.
const command = argv.find((a) => !a.startsWith('-'));
const hot = fresh && hotCommands.has(command) ? join(root, 'dist', 'hot', `${command}.cjs`) : undefined;
if (hot && existsSync(hot)) {
  process.exitCode = await runHot(hot, argv);
} else if (fresh) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
