import { shortHash } from '../../core/domain.ts';
import { UsageError } from '../../core/errors.ts';
import { openAppContext } from '../../app/app-context.ts';
import { flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';
import { requireOneApp } from './parse-flags.ts';

/** `argocd app history`, newest first, with the current entry marked. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'history APP [--limit N]');
  const format = parseOutputFormat(ctx.global.output);
  const limitFlag = flagString(ctx, 'limit');
  if (limitFlag !== undefined && !/^[1-9]\d*$/.test(limitFlag)) throw new UsageError(`--limit must be a positive number, not "${limitFlag}"`);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  app.app(name);
  const state = await (await (app.argocdApi ? app.argocdApi() : app.gitops())).getApplication(name);
  const entries = [...state.history].sort((a, b) => b.id - a.id).slice(0, limitFlag ? Number(limitFlag) : undefined);
  // Argo CD appends an entry per successful sync (rollbacks included): the newest is what runs.
  const currentId = entries[0]?.id;
  const doc = entries.map((h) => ({
    id: h.id,
    deployedAt: h.deployedAt,
    ...(h.deployStartedAt ? { deployStartedAt: h.deployStartedAt } : {}),
    revision: h.revision,
    shortRevision: shortHash(h.revision),
    current: h.id === currentId,
    initiatedBy: h.initiatedBy?.automated ? 'automated' : (h.initiatedBy?.username ?? ''),
  }));
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, { app: name, revisionHistoryLimit: state.revisionHistoryLimit, history: doc }));
    return 0;
  }
  const rows = doc.map((h) => [
    String(h.id),
    h.deployedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    h.shortRevision,
    h.revision,
    h.current ? '<- current' : '',
  ]);
  ctx.io.stdout.write(renderTable(['ID', 'DATE', 'REVISION', 'FULL', ''], rows));
  return 0;
}
