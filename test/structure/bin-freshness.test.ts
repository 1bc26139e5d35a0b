import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * bin/rewind.js runs dist/ only while it is at least as new as every source file it was built
 * from, so an edit is never shadowed by a stale bundle; a test file is in no bundle, so editing one
 * keeps dist/. The install: a copy of bin/rewind.js, the project's dist/ and a src/ of its own
 * whose `cli/main.ts` says it ran from source.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const install = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'rewind-fresh-'));
after(() => rmSync(install, { recursive: true, force: true }));

mkdirSync(join(install, 'bin'));
copyFileSync(join(ROOT, 'bin', 'rewind.js'), join(install, 'bin', 'rewind.js'));
symlinkSync(join(ROOT, 'dist'), join(install, 'dist'));
mkdirSync(join(install, 'src', 'cli'), { recursive: true });
writeFileSync(join(install, 'package.json'), '{ "type": "module" }\n');
const main = join(install, 'src', 'cli', 'main.ts');
const testFile = join(install, 'src', 'cli', 'main.test.ts');
writeFileSync(main, "export async function main(): Promise<number> { process.stdout.write('from source\\n'); return 0; }\n");
writeFileSync(testFile, '');

const built = statSync(join(ROOT, 'dist', 'rewind.js')).mtime.getTime();
const at = (file: string, ms: number) => utimesSync(file, new Date(ms), new Date(ms));
const version = () => spawnSync(process.execPath, [join(install, 'bin', 'rewind.js'), '--version'], { encoding: 'utf8', env: { ...process.env, REWIND_FROM_SOURCE: '' } });

test('the bundle runs while every source file is older than it', () => {
  at(main, built - 60_000);
  at(testFile, built - 60_000);
  const r = version();
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /from source/);
});

test('a test file edited after the build leaves the bundle in use', () => {
  at(main, built - 60_000);
  at(testFile, built + 60_000);
  const r = version();
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /from source/);
});

test('a source file edited after the build runs the sources', () => {
  at(main, built + 60_000);
  at(testFile, built - 60_000);
  const r = version();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /from source/);
});

/**
 * A hot script (scripts/build.js `hotBundles`) runs while every source file it was built from is
 * older than it (its `<command>.inputs.json`); a source it was not built from may be newer. The
 * install: bin/rewind.js, the project's dist/ and a copy of src/, every file dated before the build.
 */
test('a hot script runs while its own sources are older than it, whatever else changed', () => {
  const hot = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'rewind-fresh-hot-'));
  try {
    mkdirSync(join(hot, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'rewind.js'), join(hot, 'bin', 'rewind.js'));
    symlinkSync(join(ROOT, 'dist'), join(hot, 'dist'));
    writeFileSync(join(hot, 'package.json'), '{ "type": "module" }\n');
    cpSync(join(ROOT, 'src'), join(hot, 'src'), { recursive: true });
    const script = join(ROOT, 'dist', 'hot', 'plan.cjs');
    const scriptBuilt = statSync(script).mtime.getTime();
    for (const f of readdirSync(join(hot, 'src'), { recursive: true, encoding: 'utf8' })) at(join(hot, 'src', f), scriptBuilt - 60_000);
    const inputs = JSON.parse(readFileSync(join(ROOT, 'dist', 'hot', 'plan.inputs.json'), 'utf8')) as string[];
    assert.ok(inputs.includes('src/cli/commands/plan.ts'));
    const notAnInput = 'src/cli/commands/migrations-lint.ts';
    assert.ok(!inputs.includes(notAnInput));
    // Which scripts bin compiled, seen through node:vm (bin imports its Script after this preload).
    const log = join(hot, 'scripts.log');
    const preload = join(hot, 'record-scripts.cjs');
    writeFileSync(preload, `const vm = require('node:vm'); const fs = require('node:fs'); const S = vm.Script;\nvm.Script = class extends S { constructor(src, o) { super(src, o); fs.appendFileSync(${JSON.stringify(log)}, (o && o.filename) + '\\n'); } };\n`);
    const planHelp = () => {
      rmSync(log, { force: true });
      const r = spawnSync(process.execPath, ['-r', preload, join(hot, 'bin', 'rewind.js'), 'plan', '--help'], { encoding: 'utf8', env: { ...process.env, REWIND_FROM_SOURCE: '' } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: rewind plan APP/);
      let compiled = '';
      try {
        compiled = readFileSync(log, 'utf8');
      } catch {
        // no script compiled
      }
      return compiled.includes(join('dist', 'hot', 'plan.cjs'));
    };
    assert.equal(planHelp(), true, 'every source older: the hot script');
    at(join(hot, notAnInput), scriptBuilt + 60_000);
    assert.equal(planHelp(), true, 'a source the plan was not built from, newer: still the hot script');
    at(join(hot, 'src', 'cli', 'commands', 'plan.ts'), scriptBuilt + 60_000);
    assert.equal(planHelp(), false, 'one of its own sources newer: not the hot script');
  } finally {
    rmSync(hot, { recursive: true, force: true });
  }
});
