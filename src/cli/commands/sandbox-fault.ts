/**
 * `rewind sandbox fault git-down|git-up|metrics-down|metrics-up`: asks the running sandbox (over
 * HTTPS, like `sandbox break`) to make its config repo (or its Prometheus API) unreachable, or
 * reachable again. While git is down,
 * Argo CD's validation and new syncs fail with upstream's messages; a rollback to a revision
 * whose manifests the repo-server has cached still works.
 */
import type { CommandContext } from '../command.ts';
import { AdapterError, ExitCode, UsageError } from '../../core/errors.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { callSandbox, runningSandbox, sandboxDir } from './sandbox-common.ts';

const FAULTS = ['git-down', 'git-up', 'cache-flush', 'metrics-down', 'metrics-up', 'argocd-api-down', 'argocd-api-slow', 'argocd-api-up'] as const;

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
  const b = reply.body as { git: 'up' | 'down'; cache?: string; metrics?: 'up' | 'down'; argocdApi?: 'up' | 'down' | 'slow' };
  if (fault.startsWith('argocd-api-')) {
    ctx.io.stdout.write(b.argocdApi === 'up' ? 'Argo CD\'s API server answers again\n' : `Argo CD's API server is ${b.argocdApi === 'slow' ? 'slow (every answer held 30 s)' : 'down (connections dropped)'}; its application controller keeps reconciling and self-healing: \`kubectl -n argocd get applications\` still answers\n`);
    return ExitCode.Ok;
  }
  if (fault.startsWith('metrics-')) {
    ctx.io.stdout.write(b.metrics === 'down' ? 'the Prometheus API is down: connections are refused until `sandbox fault metrics-up`\n' : 'the Prometheus API answers again\n');
    return ExitCode.Ok;
  }
  if (b.cache === 'flushed') {
    ctx.io.stdout.write(`Argo CD's manifest cache is empty: every revision renders from git again (git is ${b.git})\n`);
    return ExitCode.Ok;
  }
  ctx.io.stdout.write(b.git === 'down' ? 'the config repo is unreachable: Argo CD cannot list refs or fetch until `sandbox fault git-up`\n' : 'the config repo is reachable again\n');
  return ExitCode.Ok;
}
