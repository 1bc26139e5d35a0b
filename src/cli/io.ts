import type { Writable } from 'node:stream';

/** What a command may touch of the outside world; injected so tests can capture it. */
export interface CliIO {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdinIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Colour only on a TTY, never with NO_COLOR or --no-color. */
  readonly color: boolean;
  /** Ask a yes/no question on the TTY; resolves false when there is no TTY. */
  confirm(question: string): Promise<boolean>;
}

export function processIO(opts: { noColor?: boolean } = {}): CliIO {
  const env = process.env;
  const color = !opts.noColor && !env['NO_COLOR'] && Boolean(process.stderr.isTTY) && env['TERM'] !== 'dumb';
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env,
    cwd: process.cwd(),
    color,
    async confirm(question: string): Promise<boolean> {
      if (!process.stdin.isTTY) return false;
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof codes;

export function paint(io: Pick<CliIO, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}
