/**
 * A throwaway Postgres to replay migrations on. Implementations: PGlite (in-process WASM,
 * Postgres 18) and a real server reached by URL (a fresh database created and dropped per run).
 */
export interface ReplayTarget {
  /** "PGlite 18.x" or the server's version string. */
  readonly description: string;
  /** Runs one statement outside any transaction the target opened; throws ReplayFailure on SQL errors. */
  exec(sql: string): Promise<void>;
  /** Drops the throwaway database and disconnects. Idempotent. */
  close(): Promise<void>;
}

/** A SQL error from the target: message and SQLSTATE, position left to the caller. */
export class ReplayFailure extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ReplayFailure';
    this.code = code;
  }
}

/** Normalises a driver error (pg, PGlite) to ReplayFailure; anything else is re-thrown as is. */
export function asReplayFailure(e: unknown): ReplayFailure {
  const err = e as { message?: string; code?: unknown; severity?: unknown };
  if (typeof err?.message === 'string' && (typeof err.code === 'string' || typeof err.severity === 'string')) {
    return new ReplayFailure(err.message, typeof err.code === 'string' ? err.code : undefined);
  }
  throw e;
}
