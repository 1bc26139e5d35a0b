/**
 * `rewind sandbox revert APP [--revision REV]`: the sandbox's CI pushes `git revert REV` onto
 * the tracked branch (the runbook's Step 3d). REV defaults to APP's newest deploy.
 */
import { flagString, type CommandContext } from '../command.ts';
import { AdapterError, ExitCode, RefusedError, UsageError } from '../../core/errors.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { callSandbox, runningSandbox, sandboxDir } from './sandbox-common.ts';

export async function run(ctx: CommandContext): Promise<number> {
  const app = ctx.args[0];
  if (!app) throw new UsageError('sandbox revert needs the app: rewind sandbox revert bookstore-catalog-us-east --revision SHA');
  const state = await runningSandbox(sandboxDir(ctx));
  let revision = flagString(ctx, 'revision') ?? ctx.args[1];
  if (!revision) {
    const got = await callSandbox(state, 'GET', `/api/v1/applications/${encodeURIComponent(app)}`);
    if (got.status === 404) throw new UsageError(`unknown app ${app}`);
    const history = ((got.body['status'] as { history?: { revision: string }[] } | undefined)?.history ?? []);
    revision = history.at(-1)?.revision;
    if (!revision) throw new UsageError(`${app} has no deploy to revert; pass --revision`);
  }
  const reply = await callSandbox(state, 'POST', '/api/sandbox/v1/revert', { app, revision });
  if (reply.status === 404 || (reply.status === 400 && reply.body.code === 3)) throw new UsageError(reply.body.message ?? 'not found');
  if (reply.status === 400) throw new RefusedError(reply.body.message ?? 'refused');
  if (reply.status !== 200) throw new AdapterError('sandbox', 'revert', reply.body.message ?? `HTTP ${reply.status}`, { status: reply.status });
  const format = parseOutputFormat(ctx.global.output);
  if (format !== 'table') ctx.io.stdout.write(renderDocument(format, reply.body));
  else ctx.io.stdout.write(`pushed ${(reply.body['revision'] as string).slice(0, 7)} "${reply.body['subject'] as string}" to ${state.configRepo.branch}\n`);
  return ExitCode.Ok;
}
