import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every command loads only what it uses (issue 19): a module resolve hook records every module a
 * real `rewind` process resolves, bundled or from source, and the heavy libraries a command never
 * uses must not be among them.
 */
const BIN = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rewind-loads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.REWIND_LOAD_LOG, r.url + '\\n');
  return r;
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

function loadsOf(name: string, args: readonly string[]): { status: number | null; urls: string[] } {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, REWIND_LOAD_LOG: log, NO_COLOR: '1' },
  });
  assert.equal(r.error, undefined);
  return { status: r.status, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const loaded = (urls: readonly string[], pkg: string) => urls.filter((u) => u.includes(`/node_modules/${pkg}/`));

test('`migrations lint` loads the parser, and neither pg, PGlite nor the Kubernetes client', () => {
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  writeFileSync(join(migrations, '0001_note.sql'), 'ALTER TABLE items ADD COLUMN note text;\n');
  const { status, urls } = loadsOf('lint', ['migrations', 'lint', migrations, '-o', 'json']);
  assert.equal(status, 0);
  assert.ok(loaded(urls, 'libpg-query').length > 0, 'the hook sees what the command loads (else this test proves nothing)');
  for (const pkg of ['pg', '@electric-sql/pglite', '@kubernetes/client-node']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by migrations lint`);
});

test('`--version` loads none of the heavy libraries, the parser included', () => {
  const { status, urls } = loadsOf('version', ['--version']);
  assert.equal(status, 0);
  for (const pkg of ['libpg-query', 'pg', '@electric-sql/pglite', '@kubernetes/client-node', 'yaml']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by --version`);
});
