import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewind } from './cli.ts';

const bin = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));


/** Running, and not a zombie nobody reaped (a container's PID 1 may not reap orphans: /proc says Z). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** A TMPDIR of the test's own, so "nothing left behind" looks at this demo's folders only. */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'rewind-demo-cleanup-'));
}

const demoFolders = (tmp: string): string[] => readdirSync(tmp).filter((n) => n.startsWith('rewind-demo-'));

test('demo: a sandbox that fails to come up leaves no /tmp/rewind-demo-* behind', async () => {
  const tmp = scratch();
  try {
    // No git on PATH: the sandbox cannot create its config repo and exits before it is ready.
    const emptyPath = mkdtempSync(join(tmp, 'path-'));
    const r = await rewind(['demo'], { env: { TMPDIR: tmp, PATH: emptyPath } });
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /starting the sandbox in /, r.stderr);
    assert.deepEqual(demoFolders(tmp), [], r.stderr);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('demo: SIGTERM once the sandbox is up stops the sandbox and removes its folder', async () => {
  const tmp = scratch();
  try {
    const child = spawn(process.execPath, [bin, 'demo'], {
      env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sandboxPid: number | undefined;
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const dir = /starting the sandbox in (\S+)/.exec(stderr)?.[1];
      if (sandboxPid === undefined && dir !== undefined && /sandbox ready in/.test(stderr)) {
        sandboxPid = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { pid: number }).pid;
        child.kill('SIGTERM');
      }
    });
    const code = await closed;
    assert.ok(sandboxPid !== undefined, `the demo never said its sandbox was ready:\n${stderr}`);
    assert.notEqual(code, 0, stderr);
    assert.equal(alive(sandboxPid), false, `the sandbox (pid ${sandboxPid}) outlived the demo`);
    assert.deepEqual(demoFolders(tmp), [], stderr);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
