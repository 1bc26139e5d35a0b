/**
 * Reading migration files from disk, for `migrations lint`: only the file reader, so the command
 * loads neither `pg` nor PGlite (src/app/migrations.ts also re-exports the replay targets).
 */
export { defaultMaxBytes, readMigrationPaths } from '../adapters/migrations-source/index.ts';
