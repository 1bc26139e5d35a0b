import type { Plan } from '../plan.ts';
import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

function notCodeRollback(plan: Plan): string | undefined {
  return plan.to?.kind === 'argocd-history' ? undefined : 'a down migration runs only before a code rollback to an Argo CD history entry';
}

/**
 * Records the schema (catalog through `pg`) in the journal before the down migration: what it
 * looked like, so what the down changed can be seen and rebuilt by hand. Reads only.
 */
export const dbSnapshotSchema = defineStep({
  kind: 'db.snapshot-schema',
  phase: 'mitigate',
  params: S.object({ reference: S.string() }),
  ports: ['db'],
  expectedSeconds: 2,
  failure: 'system',
  contradicts: (_p, plan) => notCodeRollback(plan),
});

/**
 * Runs the window's down migration, before the code rollback: one transaction when every
 * statement allows it (`atomic`), else statement by statement. A marker written with each
 * statement makes it safe to resume: what this run applied is never run twice.
 */
export const dbDownMigration = defineStep({
  kind: 'db.down-migration',
  phase: 'mitigate',
  params: S.object({
    path: S.string(),
    sql: S.string(),
    atomic: S.boolean(),
    drops: S.array(S.string()),
    /** `confirm`: the CLI asks for --confirm-down-migration even with --yes; `auto`: apps[].database.downMigrations allows it. */
    confirmation: S.literal('confirm', 'auto'),
  }),
  ports: ['db'],
  expectedSeconds: 5,
  failure: 'system',
  contradicts: (_p, plan) => notCodeRollback(plan),
});
