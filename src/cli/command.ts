import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type FlagValue = string | boolean | string[] | undefined;

/** Options every command accepts. */
export interface GlobalOptions {
  readonly output: string | undefined;
  readonly config: string | undefined;
  readonly context: string | undefined;
  readonly stateDir: string | undefined;
  readonly yes: boolean;
  readonly dryRun: boolean;
  /** Prints a config warning on stderr (file:line:col: message). */
  readonly warn: (line: string) => void;
}

export interface CommandContext {
  readonly io: CliIO;
  /** Positionals after the command's name. */
  readonly args: readonly string[];
  /** The command's own flags, parsed by its `options` spec (kebab-case keys as declared). */
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly global: GlobalOptions;
  /** Aborted on Ctrl-C: long-running commands stop between steps. */
  readonly signal: AbortSignal;
}

/** A command module, loaded lazily: `export async function run(ctx)` returning the exit code. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}

export interface CommandSpec {
  /** One or two words: "plan", "sandbox up". */
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly options: OptionSpec;
  /** One line per option for `--help`. */
  readonly optionHelp?: Readonly<Record<string, string>>;
  load(): Promise<CommandModule>;
}

export function flagString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(ctx: CommandContext, name: string): boolean {
  return ctx.flags[name] === true;
}
