import { RefusedError } from '../../core/errors.ts';
import type { Plan } from '../../core/plan.ts';

interface DownParams {
  readonly path: string;
  readonly drops: readonly string[];
  readonly confirmation: 'confirm' | 'auto';
}

/** The down migrations of a plan that need their own confirmation (apps[].database.downMigrations: confirm). */
export function downsToConfirm(plan: Plan): DownParams[] {
  return plan.steps.filter((s) => s.kind === 'db.down-migration').map((s) => s.params as DownParams).filter((p) => p.confirmation !== 'auto');
}

/**
 * A down migration changes the database, which no later step gives back: it needs its own yes,
 * even under --yes (which confirms the plan as a whole). On a terminal it is asked; elsewhere the
 * run is refused naming the flag to add.
 */
export async function confirmDownMigrations(plan: Plan, opts: { confirmed: boolean; dryRun: boolean; yes: boolean; tty: boolean; ask: (q: string) => Promise<boolean> }): Promise<boolean> {
  const downs = downsToConfirm(plan);
  if (downs.length === 0 || opts.confirmed || opts.dryRun) return true;
  const what = downs.map((d) => `${d.path}${d.drops.length ? ` (drops ${d.drops.join(', ')})` : ''}`).join(', ');
  if (opts.yes || !opts.tty) {
    throw new RefusedError(`refusing to run the down migration ${what} against ${plan.app}'s database without its own confirmation (--yes confirms the plan, not a schema change)`, {
      hint: `review the plan above and add --confirm-down-migration, e.g. rewind rollback ${plan.app} --yes --confirm-down-migration (or set apps[].database.downMigrations: auto)`,
    });
  }
  return opts.ask(`Run the down migration ${what} against ${plan.app}'s database before the code rollback?`);
}
