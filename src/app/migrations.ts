/**
 * The migration commands' concrete parts, picked here like every other adapter: files and git
 * for the window, PGlite or a real Postgres for the replay.
 */
export { checkRevisions, defaultMaxBytes, readMigrationPaths, replaySources } from '../adapters/migrations-source/index.ts';
export type { CheckResult } from '../adapters/migrations-source/index.ts';
export { createPgliteTarget, createPgServerTarget, replayWindow, type ReplayReport } from '../adapters/postgres-replay/index.ts';
