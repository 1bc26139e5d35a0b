import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind, stateFor } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const APP = 'bookstore-orders-us-east';
const bin = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));

/** Starts `rewind rollback` and sends `signal` once stderr shows `trigger`; resolves with exit code and output. */
function rollbackUntil(env: NodeJS.ProcessEnv, trigger: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'rollback', APP, '--yes'], { env: { ...process.env, NO_COLOR: '1', ...stateFor(env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && trigger.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('nothing is lost: interrupted and crashed runs resume from the journal', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  const runs = async () => JSON.parse((await rewind(['runs', APP, '-o', 'json'], { env })).stdout) as { runId: string; status: string }[];

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
    const brk = await rewind(['sandbox', 'break', APP, '--dir', sb.dir]);
    assert.equal(brk.code, 0, brk.stderr);
  });
  after(async () => {
    await sb?.stop();
  });

  test('Ctrl-C stops between steps (exit 130) and resume finishes the run', async () => {
    const r = await rollbackUntil(env, /\[2\/\d+\]/, 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    const [run] = await runs();
    assert.equal(run?.status, 'interrupted');
    const resumed = await rewind(['resume', run?.runId, '-o', 'json'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = JSON.parse(resumed.stdout) as { status: string; runStatus: string; steps: { kind: string; phase: string; status: string }[] };
    assert.equal(doc.status, 'verified');
    assert.equal(doc.runStatus, 'awaiting-revert');
    assert.ok(doc.steps.filter((s) => s.phase !== 'follow-up').every((s) => s.status === 'succeeded' || s.status === 'skipped'), JSON.stringify(doc.steps));
  });

  test('a run killed mid-step (SIGKILL) leaves an intent without outcome; resume re-reads state and completes', async () => {
    // A second app, so this run does not depend on the first test's outcome.
    const other = 'bookstore-catalog-eu-west';
    const brk = await rewind(['sandbox', 'break', other, '--dir', sb.dir]);
    assert.equal(brk.code, 0, brk.stderr);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'rollback', other, '--yes'], { env: { ...process.env, NO_COLOR: '1', ...stateFor(env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[4\/\d+\]/.test(stderr)) child.kill('SIGKILL');
      });
      child.stdout.resume();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, null, 'killed');
    const list = JSON.parse((await rewind(['runs', other, '-o', 'json'], { env })).stdout) as { runId: string; status: string }[];
    assert.equal(list[0]?.status, 'running', 'a crashed run still reads as running');
    const resumed = await rewind(['resume', list[0]?.runId, '-o', 'json'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as { status: string }).status, 'verified');
  });
});
