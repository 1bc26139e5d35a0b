/**
 * `rewind sandbox fault git-down|git-up`: asks the running sandbox (over HTTPS, like
 * `sandbox break`) to make its config repo unreachable, or reachable again. While git is down,
 * Argo CD's validation and new syncs fail with upstream's messages; a rollback to a revision
 * whose manifests the repo-server has cached still works.
 */
import type { CommandContext } from '../command.ts';
import { AdapterError, ExitCode, UsageError } from '../../core/errors.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { callSandbox, runningSandbox, sandboxDir } from './sandbox-common.ts';

const FAULTS = ['git-down', 'git-up', 'cache-flush'] as const;

export async function run(ctx: CommandContext): Promise<number> {
  const fault = ctx.args[0];
  if (!fault || !(FAULTS as readonly string[]).includes(fault)) {
    throw new UsageError(`sandbox fault needs one of ${FAULTS.join(', ')}${fault ? ` (got "${fault}")` : ''}: rewind sandbox fault git-down`);
  }
  const state = await runningSandbox(sandboxDir(ctx));
  const reply = await callSandbox(state, 'POST', '/api/sandbox/v1/fault', { fault });
  if (reply.status !== 200) throw new AdapterError('sandbox', 'fault', reply.body.message ?? `HTTP ${reply.status}`, { status: reply.status });
  const format = parseOutputFormat(ctx.global.output);
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, reply.body));
    return ExitCode.Ok;
  }
  const b = reply.body as { git: 'up' | 'down'; cache?: string };
  if (b.cache === 'flushed') {
    ctx.io.stdout.write(`Argo CD's manifest cache is empty: every revision renders from git again (git is ${b.git})\n`);
    return ExitCode.Ok;
  }
  ctx.io.stdout.write(b.git === 'down' ? 'the config repo is unreachable: Argo CD cannot list refs or fetch until `sandbox fault git-up`\n' : 'the config repo is reachable again\n');
  return ExitCode.Ok;
}
