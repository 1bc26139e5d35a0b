import type { Verdict } from './verdict.ts';

/** One rule hit on one statement: what breaks for the old binary, and what to do instead. */
export interface Finding {
  readonly rule: string;
  readonly name: string;
  readonly verdict: Verdict;
  /** 1-based, in the file (also for statements inside DO and function bodies). */
  readonly line: number;
  readonly column: number;
  readonly statement: string;
  readonly message: string;
  readonly hint: string;
}

/** A finding silenced by `-- rewind:ignore RULE reason`; listed, never hidden. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
  /** Line of the suppression comment. */
  readonly suppressedAt: number;
}

/** The paired down migration, when the layout has one (golang-migrate, diesel, dbmate, goose, Flyway U). */
export interface DownMigration {
  readonly style: 'golang-migrate' | 'diesel' | 'dbmate' | 'goose' | 'flyway-undo' | 'none';
  readonly path: string | undefined;
  readonly exists: boolean;
  /** What running the down would destroy: "column orders.kyc_status", "table audit_log". */
  readonly drops: readonly string[];
  /** The down's own SQL (an in-file section without its marker line); absent when it does not exist. */
  readonly sql?: string;
  /** Statements PostgreSQL refuses in a transaction block; empty: the down runs in one transaction. */
  readonly blockers?: readonly string[];
}

/** Every statement's own classification, safe ones included (the note is written from these). */
export interface StatementSummary {
  readonly line: number;
  readonly column: number;
  readonly verdict: Verdict;
  /** A short description of the change: "add column orders.kyc_status (nullable)". */
  readonly change: string;
}

export interface FileReport {
  readonly path: string;
  readonly verdict: Verdict;
  /** Rule hits that are not plain additive changes: review, unsafe, error, and window-excused ones (safe). */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly statements: readonly StatementSummary[];
  readonly down: DownMigration | undefined;
}

export interface WindowReport {
  readonly verdict: Verdict;
  readonly files: readonly FileReport[];
}
