/**
 * rewind's few named errors. Adapters translate every failure into one of these;
 * the CLI has one top-level catch that maps each class to its exit code (./exit-codes.ts).
 */
import { ExitCode } from './exit-codes.ts';

export { ExitCode } from './exit-codes.ts';

export interface ErrorDetails {
  /** What the user can do next; printed on its own line after the message. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export abstract class RewindError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.hint = details.hint;
    this.name = new.target.name;
  }
}

/** Bad flags, unknown commands, malformed input files. */
export class UsageError extends RewindError {
  readonly exitCode = ExitCode.Usage;
}

/** rewind.yaml (or another config input) is invalid; `where` is "file:line:col" when known. */
export class ConfigError extends RewindError {
  readonly exitCode = ExitCode.Usage;
  readonly where: string | undefined;
  constructor(message: string, details: ErrorDetails & { where?: string } = {}) {
    super(details.where ? `${details.where}: ${message}` : message, details);
    this.where = details.where;
  }
}

/** Something the user named does not exist (an app, a history id, a revision). */
export class NotFoundError extends RewindError {
  readonly exitCode = ExitCode.Usage;
}

/** A system rewind talks to failed: names the system and the operation. */
export class AdapterError extends RewindError {
  readonly exitCode = ExitCode.SystemFailed;
  readonly system: string;
  readonly operation: string;
  readonly status: number | undefined;
  /** True when retrying the same call may succeed (timeouts, 5xx, connection resets). */
  readonly transient: boolean;
  constructor(
    system: string,
    operation: string,
    message: string,
    details: ErrorDetails & { status?: number; transient?: boolean } = {},
  ) {
    super(`${system}: ${operation}: ${message}`, details);
    this.system = system;
    this.operation = operation;
    this.status = details.status;
    this.transient = details.transient ?? false;
  }
}

/** rewind decided not to act (unsafe, stale plan, no confirmation). */
export class RefusedError extends RewindError {
  readonly exitCode = ExitCode.Refused;
}

/** The action ran but the service did not prove it recovered. */
export class VerificationError extends RewindError {
  readonly exitCode = ExitCode.VerificationFailed;
}

/** A bug in rewind. */
export class InternalError extends RewindError {
  readonly exitCode = ExitCode.SystemFailed;
}

export function isRewindError(e: unknown): e is RewindError {
  return e instanceof RewindError;
}
