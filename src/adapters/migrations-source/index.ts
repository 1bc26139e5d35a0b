/** Reads migrations from disk and from git for the analyzer (the I/O side of Step 0). */
export { checkRevisions, type CheckOptions, type CheckResult } from './check-revisions.ts';
export { readMigrationPaths, type ReadFilesResult } from './read-migration-files.ts';
export { decodeMigration, defaultMaxBytes } from './decode-migration.ts';
export { changedMigrations, migrationsAt, type ChangedMigration, type RevisionRange } from './git-migrations.ts';
export { replaySources, type ReplaySources } from './replay-sources.ts';
export { createMigrationChecker, DEFAULT_MIGRATIONS_GLOB, type MigrationCheckerOptions } from './migration-checker.ts';
