import { snapshotLines } from '../../core/db-schema.ts';
import { dbDownMigration, dbSnapshotSchema } from '../../core/steps/db-steps.ts';
import type { SchemaDatabase } from '../../core/ports.ts';
import { handle, StepOutcome, type StepContext } from '../step-context.ts';

/** A saved plan can outlive rewind.yaml's database entry: that is configuration, refused with what to add. */
function dbOf(ctx: StepContext): SchemaDatabase | StepOutcome {
  return ctx.db ?? StepOutcome.failedAs('refused', `rewind.yaml has no apps[].database for ${ctx.plan.app}: set database.urlEnv (or urlFile), then resume the run`);
}

/** Reads the catalog and journals it, line by line: what the schema was before the down. Reads only, so a dry run does it too. */
export const snapshotSchema = handle(dbSnapshotSchema, async (_params, ctx) => {
  const db = dbOf(ctx);
  if ('status' in db) return db;
  const s = await db.snapshotSchema();
  return StepOutcome.succeeded(
    `schema of ${db.description} at ${s.takenAt} (PostgreSQL ${s.serverVersion}): ${s.columns.length} columns, ${s.indexes.length} indexes, ${s.constraints.length} constraints`,
    ...snapshotLines(s),
  );
});

/**
 * Runs the down, idempotently: the marker it writes with each statement says what this run has
 * applied, so after a crash (or a resume of a run whose outcome was never journaled) nothing is
 * run twice; a statement-by-statement down continues after the last one counted.
 */
export const downMigration = handle(dbDownMigration, async (params, ctx) => {
  const db = dbOf(ctx);
  if ('status' in db) return db;
  const progress = await db.downProgress(ctx.runId, params.path);
  if (progress && progress.done >= progress.total) {
    return StepOutcome.skipped(`${params.path} was already applied by this run (${progress.done} of ${progress.total} statements, ${progress.at}, per its marker in ${db.description}): not run again`);
  }
  if (ctx.dryRun) {
    const would = `dry run: would run ${params.path} against ${db.description} ${params.atomic ? 'in one transaction' : 'statement by statement'}${params.drops.length ? `, dropping ${params.drops.join(', ')}` : ''}`;
    if (!ctx.rehearsal) return StepOutcome.failedAs('system', `${would}; it could not be rehearsed (no throwaway database): not checked`);
    const r = await ctx.rehearsal.rehearse({ schema: await db.schemaDdl(), sql: params.sql });
    if (r.ok) return StepOutcome.skipped(would, `rehearsed on ${r.target}: the live schema rebuilt, then ${r.statements} statements ${r.inTransaction ? 'in one transaction' : 'one by one'}, all applied`);
    // A schema the copy could not rebuild leaves the down unchecked: "could not check", never a pass.
    return r.stage === 'schema'
      ? StepOutcome.failedAs('system', `${would}; the rehearsal on ${r.target} could not rebuild the live schema (statement ${r.statement}: ${r.error}): the down was not checked`)
      : StepOutcome.failedAs('verification', `${would}; the rehearsal on ${r.target} failed at statement ${r.statement} of the down: ${r.error}`);
  }
  const run = await db.runDown({ runId: ctx.runId, path: params.path, sql: params.sql });
  const how = run.inTransaction ? 'in one transaction' : `statement by statement (${run.blockers.join(', ') || 'continuing after a restart'})`;
  return StepOutcome.succeeded(
    `${params.path}: ${run.statements} statements ${how}${run.alreadyApplied ? `; ${run.alreadyApplied} were applied by this run before a restart and not run again` : ''}`,
    `schema after (${run.after.takenAt}): ${run.changes.length ? `${run.changes.length} changes` : 'no change to columns, indexes or constraints'}`,
    ...run.changes,
  );
});
