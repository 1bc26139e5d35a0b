import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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
