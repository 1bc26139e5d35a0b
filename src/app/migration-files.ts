/**
 * Migration files from disk or from the config repo's history, for `migrations lint`, `note` and
 * `check`: only the readers, so those commands load neither `pg` nor PGlite (src/app/migrations.ts
 * also re-exports the replay targets, which `migrations verify` needs).
 */
export { checkRevisions, defaultMaxBytes, readMigrationPaths } from '../adapters/migrations-source/index.ts';
export type { CheckResult } from '../adapters/migrations-source/index.ts';
