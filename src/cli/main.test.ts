import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from './commands.ts';
import { runCliInProcess } from '../testing/cli-in-process.ts';

test('--help lists every command of the table', async () => {
  const r = await runCliInProcess(['--help'], { env: {} });
  assert.equal(r.code, 0);
  for (const cmd of commands) assert.ok(r.stdout.includes(`  ${cmd.name} `), cmd.name);
});

test('a command --help shows usage, each option with its meaning, and examples', async () => {
  const r = await runCliInProcess(['rollback', '--help'], { env: {} });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: rewind rollback APP/);
  assert.match(r.stdout, /--timeout VALUE\s+how long to wait/);
  assert.match(r.stdout, /Examples:\n {2}rewind rollback/);
});

test('an unknown command is a usage error (exit 2) with a hint', async () => {
  const r = await runCliInProcess(['rollbak', 'x'], { env: {} });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "rollbak x"/);
  assert.match(r.stderr, /rewind --help/);
});

test('an unknown flag is a usage error that names it', async () => {
  const r = await runCliInProcess(['history', 'app', '--limt', '3'], { env: {} });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--limt/);
});

test('a bad --output value is a usage error', async () => {
  const r = await runCliInProcess(['history', 'app', '-o', 'xml'], { env: {} });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--output must be json, yaml or table/);
});
