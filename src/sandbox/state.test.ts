import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAlive } from './state.ts';

const stateOf = (pid: number): string | undefined => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
};

test('isAlive: a running process is alive; an exited one no one reaped (a zombie) is not', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  // perl (essential on Debian) forks a child that exits at once, prints its pid, and never reaps it.
  const parent = spawn('perl', ['-e', '$| = 1; $SIG{CHLD} = "DEFAULT"; my $p = fork(); exit 0 unless $p; print "$p\n"; sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    assert.ok(isAlive(parent.pid!));
    // Until the child has exited; if something reaped it after all, there is no zombie to test.
    while (stateOf(zombie) === 'R' || stateOf(zombie) === 'S') await new Promise((r) => setImmediate(r));
    assert.equal(stateOf(zombie), 'Z', 'the child is a zombie');
    assert.equal(isAlive(zombie), false);
  } finally {
    parent.kill('SIGKILL');
  }
});
