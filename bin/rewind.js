#!/usr/bin/env node
// Runs the bundled CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`) when it
// is at least as new as every source file, and otherwise the TypeScript sources through tsx, so an
// edit is never shadowed by a stale bundle. REWIND_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'rewind.js');

// NOTE: every command pays for this walk (~560 files): one stack, plain string paths and no
// recursion cost about a third of path.join per entry, measured on the start of `migrations lint`.
function newestMtime(root) {
  let newest = 0;
  const dirs = [root];
  while (dirs.length > 0) {
    const dir = dirs.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${entry.name}`;
      if (entry.isDirectory()) dirs.push(p);
      else {
        const m = statSync(p).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  }
  return newest;
}

const fresh = !process.env.REWIND_FROM_SOURCE && existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(join(root, 'src'));
if (fresh) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
