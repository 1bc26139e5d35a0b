import { Writable } from 'node:stream';
import { main } from '../cli/main.ts';
import type { CliIO } from '../cli/io.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI entry in-process with captured output (no socket, no child); stdout is not a
 * TTY unless `stdoutIsTTY` (what a terminal-only rendering, such as a sparkline, needs).
 */
export async function runCliInProcess(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdoutIsTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const out = Object.assign(sink((s) => (stdout += s)), { isTTY: opts.stdoutIsTTY ?? false });
  const io: CliIO = {
    stdout: out,
    stderr: sink((s) => (stderr += s)),
    stdinIsTTY: false,
    env: opts.env ?? { ...process.env, NO_COLOR: '1' },
    cwd: opts.cwd ?? process.cwd(),
    color: false,
    confirm: () => Promise.resolve(false),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
