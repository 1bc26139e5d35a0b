import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

test('the folders a test file makes are gone when its process exits', () => {
  const module = new URL('./temp-dirs.ts', import.meta.url).href;
  const script = `import { tempDir, tempDirSync } from ${JSON.stringify(module)};
import { writeFileSync, mkdirSync } from 'node:fs';
const a = tempDirSync('rewind-temp-test-');
const b = await tempDir('rewind-temp-test-');
mkdirSync(a + '/nested');
writeFileSync(a + '/nested/file', 'x');
process.stdout.write(JSON.stringify([a, b]));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  const dirs = JSON.parse(out) as string[];
  assert.equal(dirs.length, 2);
  for (const d of dirs) assert.equal(existsSync(d), false, `${d} was removed`);
});
