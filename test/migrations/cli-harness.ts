import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI entry in-process with captured output. */
export async function rewind(args: readonly string[], cwd = process.cwd()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const io: CliIO = {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    stdinIsTTY: false,
    env: { ...process.env, NO_COLOR: '1' },
    cwd,
    color: false,
    confirm: () => Promise.resolve(false),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
