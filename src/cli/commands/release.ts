import { releaseApp } from '../../app/abandon-service.ts';
import { openAppContext } from '../../app/app-context.ts';
import type { CommandContext } from '../command.ts';
import { requireOneApp } from './parse-flags.ts';

/** Removes the mark an abandoned run left (`--leave`): the app's current state is accepted as it is. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'release APP');
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  try {
    ctx.io.stdout.write(`${await releaseApp(app, name, ctx.global.dryRun)}\n`);
    return 0;
  } finally {
    await app.close();
  }
}
