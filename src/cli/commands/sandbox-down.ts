/** `rewind sandbox down`: stops the sandbox running in the folder (SIGTERM, then SIGKILL). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext } from '../command.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { pidAlive, readSandboxState, sandboxDir } from './sandbox-common.ts';

const GRACE_MS = 10_000;

export async function run(ctx: CommandContext): Promise<number> {
  const dir = sandboxDir(ctx);
  const state = await readSandboxState(dir);
  if (!state || !pidAlive(state.pid)) {
    if (state) await rm(join(dir, 'state.json'), { force: true });
    throw new UsageError(`no sandbox is running in ${dir}`);
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (pidAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  await rm(join(dir, 'state.json'), { force: true });
  ctx.io.stdout.write(`stopped the sandbox in ${dir} (pid ${state.pid})\n`);
  return ExitCode.Ok;
}
