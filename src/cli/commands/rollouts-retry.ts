import type { CommandContext } from '../command.ts';
import { runAction } from './rollouts-action.ts';

export const run = (ctx: CommandContext): Promise<number> => runAction(ctx, 'retry');
