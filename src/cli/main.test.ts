import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { main } from './main.ts';
import { commands } from './commands.ts';
import type { CliIO } from './io.ts';

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const io: CliIO = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    stdinIsTTY: false,
    env: {},
    cwd: process.cwd(),
    color: false,
    confirm: () => Promise.resolve(false),
  };
  return { io, out: () => out, err: () => err };
}

test('--help lists every command of the table', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io), 0);
  for (const cmd of commands) assert.ok(c.out().includes(`  ${cmd.name} `), cmd.name);
});

test('a command --help shows usage, each option with its meaning, and examples', async () => {
  const c = capture();
  assert.equal(await main(['rollback', '--help'], c.io), 0);
  assert.match(c.out(), /^Usage: rewind rollback APP/);
  assert.match(c.out(), /--timeout VALUE\s+how long to wait/);
  assert.match(c.out(), /Examples:\n {2}rewind rollback/);
});

test('an unknown command is a usage error (exit 2) with a hint', async () => {
  const c = capture();
  assert.equal(await main(['rollbak', 'x'], c.io), 2);
  assert.match(c.err(), /unknown command "rollbak x"/);
  assert.match(c.err(), /rewind --help/);
});

test('an unknown flag is a usage error that names it', async () => {
  const c = capture();
  assert.equal(await main(['history', 'app', '--limt', '3'], c.io), 2);
  assert.match(c.err(), /--limt/);
});

test('a bad --output value is a usage error', async () => {
  const c = capture();
  assert.equal(await main(['history', 'app', '-o', 'xml'], c.io), 2);
  assert.match(c.err(), /--output must be json, yaml or table/);
});
