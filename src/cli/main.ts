import { parseArgs } from 'node:util';
import { commands } from './commands.ts';
import type { CommandSpec, GlobalOptions, OptionSpec } from './command.ts';
import { processIO, paint, type CliIO } from './io.ts';
import { InternalError, isRewindError, UsageError } from '../core/errors.ts';
import { ExitCode, exitCodeLegend } from '../core/exit-codes.ts';

const globalOptions: OptionSpec = {
  output: { type: 'string', short: 'o' },
  config: { type: 'string' },
  context: { type: 'string' },
  'state-dir': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const two = words.slice(0, 2).join(' ');
  const one = words[0];
  const spec = commands.find((c) => c.name === two) ?? commands.find((c) => c.name === one);
  if (!spec) return undefined;
  const rest = [...argv];
  for (const w of spec.name.split(' ')) rest.splice(rest.indexOf(w), 1);
  return { spec, rest };
}

export function usageText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'rewind: the rollback runbook as software',
    '',
    'Usage: rewind <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  -o, --output json|yaml|table   output format (default table)',
    '  --config FILE                  rewind.yaml (else $REWIND_CONFIG, ./rewind.yaml, .rewind/sandbox/rewind.yaml)',
    '  --context NAME                 kubeconfig context / cluster to use',
    '  --state-dir DIR                journal and leases (else $REWIND_STATE_DIR, $XDG_STATE_HOME/rewind, ~/.local/state/rewind)',
    '  -y, --yes                      do not ask for confirmation',
    '  --dry-run                      show what would change, change nothing',
    '  --no-color                     never colour output (also NO_COLOR)',
    '  -h, --help                     help for a command: rewind <command> --help',
    '',
    `Exit codes: ${exitCodeLegend}`,
    '',
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  const flags = Object.entries(spec.options).map(([name, o]) => `--${name}${o.type === 'string' ? ' VALUE' : ''}${o.multiple ? ' (repeatable)' : ''}`);
  const width = Math.max(0, ...flags.map((f) => f.length));
  const opts = Object.keys(spec.options).map((name, i) => {
    const text = spec.optionHelp?.[name];
    return `  ${(flags[i] ?? '').padEnd(width)}${text ? `  ${text}` : ''}`.trimEnd();
  });
  return [
    `Usage: rewind ${spec.usage}`,
    '',
    spec.summary,
    ...(opts.length ? ['', 'Options:', ...opts] : []),
    ...(spec.examples.length ? ['', 'Examples:', ...spec.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code. The one top-level catch lives here. */
export async function main(argv: readonly string[], io?: CliIO): Promise<number> {
  const noColor = argv.includes('--no-color');
  const cli = io ?? processIO({ noColor });
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      cli.stdout.write(usageText());
      return argv.length === 0 ? ExitCode.Usage : ExitCode.Ok;
    }
    if (argv[0] === '--version') {
      cli.stdout.write('rewind 0.1.0\n');
      return ExitCode.Ok;
    }
    const found = findCommand(argv);
    if (!found) {
      throw new UsageError(`unknown command "${argv.filter((a) => !a.startsWith('-')).join(' ')}"`, {
        hint: 'run `rewind --help` for the list of commands',
      });
    }
    const { spec, rest } = found;
    let parsed;
    const options = { ...globalOptions, ...spec.options };
    try {
      parsed = parseArgs({ args: attachNegativeValues(rest, options), options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split('\n')[0]}`, { hint: `run \`rewind ${spec.name} --help\`` });
    }
    const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
    if (v['help']) {
      cli.stdout.write(commandHelp(spec));
      return ExitCode.Ok;
    }
    const global: GlobalOptions = {
      output: typeof v['output'] === 'string' ? v['output'] : undefined,
      config: typeof v['config'] === 'string' ? v['config'] : undefined,
      context: typeof v['context'] === 'string' ? v['context'] : undefined,
      stateDir: typeof v['state-dir'] === 'string' ? v['state-dir'] : undefined,
      yes: v['yes'] === true,
      dryRun: v['dry-run'] === true,
      warn: (line) => cli.stderr.write(`${paint(cli, 'yellow', 'warning:')} ${line}\n`),
    };
    const mod = await spec.load();
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(ExitCode.Interrupted);
      cli.stderr.write('\ninterrupted: stopping after the current step (Ctrl-C again to quit now)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      return await mod.run({ io: cli, args: parsed.positionals, flags: v, global, signal: controller.signal });
    } finally {
      process.off('SIGINT', onSigint);
    }
  } catch (e) {
    return reportError(cli, e);
  }
}

/**
 * `--to -3` would read as an ambiguous flag ("argument is ambiguous"); attach a value that looks
 * like a negative number to its option, so the option's own parser can say what is wrong with it.
 */
function attachNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function reportError(io: CliIO, e: unknown): number {
  if (isRewindError(e)) {
    io.stderr.write(`${paint(io, 'red', 'error:')} ${e.message}\n`);
    if (e.hint) io.stderr.write(`${paint(io, 'dim', 'hint:')} ${e.hint}\n`);
    if (io.env['REWIND_DEBUG'] && e.cause) {
      const cause = e.cause as Error;
      io.stderr.write(`cause: ${cause.stack ?? String(cause)}\n`);
    }
    return e.exitCode;
  }
  const internal = new InternalError(`internal error: ${(e as Error)?.message ?? String(e)}`);
  io.stderr.write(`${paint(io, 'red', 'error:')} ${internal.message}\n`);
  io.stderr.write('this is a bug in rewind; run again with REWIND_DEBUG=1 and file the stack trace\n');
  if (io.env['REWIND_DEBUG']) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return internal.exitCode;
}
