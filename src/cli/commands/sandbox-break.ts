/**
 * `rewind sandbox break APP`: asks the sandbox's CI (over HTTPS) to commit and push the bad
 * image digest for APP's region; Argo CD's auto-sync ships it, as in the incident.
 */
import type { CommandContext } from '../command.ts';
import { ExitCode, RefusedError, UsageError, AdapterError } from '../../core/errors.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { callSandbox, runningSandbox, sandboxDir } from './sandbox-common.ts';

export async function run(ctx: CommandContext): Promise<number> {
  const app = ctx.args[0];
  if (!app) throw new UsageError('sandbox break needs the app: rewind sandbox break bookstore-catalog-us-east');
  const state = await runningSandbox(sandboxDir(ctx));
  const scenario = typeof ctx.flags['scenario'] === 'string' ? ctx.flags['scenario'] : 'image';
  const reply = await callSandbox(state, 'POST', '/api/sandbox/v1/break', { app, scenario });
  if (reply.status === 404 || (reply.status === 400 && reply.body.code === 3)) throw new UsageError(reply.body.message ?? `unknown app ${app}`);
  if (reply.status === 400) throw new RefusedError(reply.body.message ?? 'refused');
  if (reply.status !== 200) throw new AdapterError('sandbox', 'break', reply.body.message ?? `HTTP ${reply.status}`, { status: reply.status });
  const b = reply.body as { revision?: string; subject?: string; historyId?: number | null; deployed: boolean; image?: string };
  const format = parseOutputFormat(ctx.global.output);
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, reply.body));
    return ExitCode.Ok;
  }
  if (b.revision === undefined) {
    // A workload its team ships with kubectl: nothing went through git or Argo CD.
    ctx.io.stdout.write(`kubectl set image: ${app} now runs ${b.image ?? 'the bad build'} (no git commit, no Argo CD)\n`);
    return ExitCode.Ok;
  }
  ctx.io.stdout.write(`pushed ${b.revision.slice(0, 7)} "${b.subject ?? ''}" to ${state.configRepo.branch}\n`);
  ctx.io.stdout.write(
    b.deployed
      ? `Argo CD auto-synced it: ${app} history ${b.historyId} is the bad deploy\n`
      : `Argo CD has not deployed it yet (auto-sync off?); ${app} stays where it was\n`,
  );
  return ExitCode.Ok;
}
