import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const module = new URL('./embedded.ts', import.meta.url).href;

test('a sandbox Postgres ended by SIGTERM, without close(), leaves no folder behind', async () => {
  // The child's temporary folders go to a folder of this test's own, so other suites' cannot mix in.
  const tmp = await mkdtemp(join(tmpdir(), 'rewind-pg-exit-'));
  // As root, initdb runs as `postgres` and reads its password file from here, as from /tmp.
  await chmod(tmp, 0o755);
  try {
    const script = `
      import { createSandboxPostgres } from ${JSON.stringify(module)};
      const pg = await createSandboxPostgres(() => undefined);
      await pg.migrate('app', [{ path: '001.sql', sql: 'CREATE TABLE t (id int);' }]);
      process.stdout.write('ready\\n');
      setInterval(() => undefined, 60_000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    let out = '';
    for await (const chunk of child.stdout) {
      out += String(chunk);
      if (out.includes('ready')) break;
    }
    assert.match(out, /ready/, 'the child started Postgres');
    const ours = async () => (await readdir(tmp)).filter((f) => f.startsWith('rewind-sandbox-pg-'));
    assert.equal((await ours()).length, 1, 'its data directory is in the test folder');
    child.kill('SIGTERM');
    await exited;
    // (tsx keeps its own cache there too: not the sandbox's.)
    assert.deepEqual(await ours(), [], 'the sandbox left nothing in the temporary folder');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
