import { resolve } from 'node:path';
import { openAppContext } from '../../app/app-context.ts';
import { writePostmortem } from '../../app/postmortem-service.ts';
import { UsageError } from '../../core/errors.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';

/** `rewind postmortem RUN [-o md|json] [--out DIR]`: writes the draft beside its chart and prints where (or the JSON). */
export async function run(ctx: CommandContext): Promise<number> {
  const [runId, ...extra] = ctx.args;
  if (!runId || extra.length) throw new UsageError(runId ? `unexpected argument "${extra[0]}"` : 'missing RUN', { hint: 'usage: rewind postmortem RUN (list runs with `rewind runs`)' });
  const format = ctx.global.output ?? 'md';
  if (!['md', 'markdown', 'json', 'table'].includes(format)) throw new UsageError(`--output must be md or json, not "${format}"`);
  const out = resolve(ctx.io.cwd, flagString(ctx, 'out') ?? 'postmortems');
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    const written = await writePostmortem(app, runId, out, { png: flagBool(ctx, 'png') });
    if (format === 'json') ctx.io.stdout.write(`${JSON.stringify({ ...written.postmortem, files: written.files }, null, 2)}\n`);
    else {
      ctx.io.stdout.write(`${written.files.markdown}\n`);
      ctx.io.stderr.write(`postmortem draft: ${written.files.markdown}${written.files.chart ? `\nchart: ${written.files.chart}` : ''}${written.files.png ? `\npng: ${written.files.png}` : ''}\n`);
      for (const gap of written.postmortem.gaps) ctx.io.stderr.write(`note: ${gap}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
