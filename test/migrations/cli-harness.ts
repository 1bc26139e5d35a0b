import { runCliInProcess, type CliRun } from '../../src/testing/cli-in-process.ts';

export type { CliRun };

/** Runs the real CLI entry in-process with captured output. */
export function rewind(args: readonly string[], cwd = process.cwd()): Promise<CliRun> {
  return runCliInProcess(args, { cwd });
}
