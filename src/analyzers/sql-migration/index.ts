/**
 * Migration rollback-safety analysis (the runbook's Step 0) on the real Postgres parser.
 * Pure: callers read files or git and pass text in; `src/adapters/migrations-source` does that I/O.
 *
 * ### Examples
 * ```ts
 * import { analyzeWindow } from './analyzers/sql-migration/index.ts';
 * const report = await analyzeWindow([{ kind: 'text', path: '0042_drop_sku.sql', content: 'ALTER TABLE items DROP COLUMN sku;' }]);
 * report.verdict;               // 'unsafe'
 * report.files[0].findings[0];  // { rule: 'RW101', name: 'drop-column', verdict: 'unsafe', line: 1, column: 1, ... }
 * ```
 */
export { analyzeWindow, analyzeWindowSync, compareMigrationPaths, type MigrationSource, type WindowOptions } from './analyze-window.ts';
export { loadParser } from './pg-parser.ts';
export { isDownMigration, downPathFor, pairDown, dropsOf, type ContentLookup } from './down-migrations.ts';
export { renderNote, checkNote } from './rollback-note.ts';
export { toJson } from './report-json.ts';
export { toText, type TextStyle } from './report-text.ts';
export { toSarif, allRules } from './report-sarif.ts';
export { exitCodeFor, worst, worse, type Verdict } from './verdict.ts';
export type { DownMigration, FileReport, Finding, StatementSummary, SuppressedFinding, WindowReport } from './report-types.ts';
export type { RuleMeta } from './rule.ts';
export { splitStatements, type SplitStatement, type SplitResult } from './split-statements.ts';
export { toMigrationWindow } from './migration-window.ts';
