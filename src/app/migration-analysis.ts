/**
 * Step 0's analysis as the migration commands use it. The CLI reaches the analyzers through app/
 * like everything else (docs/architecture.md); this file only re-exports, so it loads nothing more.
 */
export { analyzeWindow, exitCodeFor, loadParser, renderNote, splitStatements, toJson, toSarif, toText } from '../analyzers/sql-migration/index.ts';
export type { SplitStatement, Verdict, WindowReport } from '../analyzers/sql-migration/index.ts';
