import type { RunStatus } from './run.ts';

/**
 * Every exit code rewind uses, and the one place that turns an outcome into one. Commands, the
 * error classes and the run result all read from here, so "4" always means the service came up
 * wrong and "3" always means a system failed or could not be reached.
 */
export const ExitCode = {
  /** Done, verified, or nothing to do. */
  Ok: 0,
  /** rewind refused to act (unsafe, stale, unconfirmed, held), or a check found problems. */
  Refused: 1,
  /** Bad flags, bad input files, unknown names: nothing was done. */
  Usage: 2,
  /** A system rewind talks to failed or could not be reached. */
  SystemFailed: 3,
  /** The service came up wrong: the rollback ran but verification failed. */
  VerificationFailed: 4,
  /** Ctrl-C: the run stopped between steps and resumes with `rewind resume RUN`. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Why a step failed, which decides the exit code of the run it ended. */
export type FailureKind = 'system' | 'verification' | 'refused';

export const exitCodeForFailure: Readonly<Record<FailureKind, ExitCode>> = {
  system: ExitCode.SystemFailed,
  verification: ExitCode.VerificationFailed,
  refused: ExitCode.Refused,
};

/** One line per code, for `--help` and the README. */
export const exitCodeLegend = '0 done/verified, 1 refused or findings, 2 usage or bad input, 3 a system failed, 4 verification failed, 130 interrupted (resumable).';

/**
 * The exit code of a run as a command left it. `expectClosed`: the command's job was to close the
 * run (`finish`), so a run still waiting on its revert is a refusal, not a success.
 */
export function exitCodeForRun(status: RunStatus, failure: FailureKind | undefined, opts: { expectClosed?: boolean } = {}): ExitCode {
  switch (status) {
    case 'verified':
    case 'rolled-back':
    case 'finished':
      return ExitCode.Ok;
    case 'awaiting-revert':
      return opts.expectClosed ? ExitCode.Refused : ExitCode.Ok;
    case 'interrupted':
      return ExitCode.Interrupted;
    case 'refused':
    case 'abandoned':
      return ExitCode.Refused;
    case 'running':
    case 'failed':
      return exitCodeForFailure[failure ?? 'system'];
  }
}
