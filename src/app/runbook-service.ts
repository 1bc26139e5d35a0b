/**
 * `rewind runbooks`: each runbook's newest "When this runbook last worked" row and whether it is
 * stale (the seed: "Stale after 90 days without exercise"). A runbook with no row, or whose file
 * cannot be read, is not fresh: nothing proves it works.
 */
import type { AppContext } from './app-context.ts';

export const STALE_AFTER_DAYS = 90;

export interface RunbookState {
  readonly name: string;
  readonly file: string;
  readonly lastWorked: string | null;
  readonly ageDays: number | null;
  readonly state: 'fresh' | 'stale' | 'never' | 'unreadable';
  readonly staleAfterDays: number;
  readonly last?: { readonly app: string; readonly region: string; readonly resolvedBy: string; readonly notes: string };
  readonly error?: string;
}

export async function runbookStatuses(ctx: AppContext): Promise<RunbookState[]> {
  const { readRunbook } = await import('../adapters/records/index.ts');
  const now = ctx.clock.now().getTime();
  return Promise.all(
    ctx.config.runbooks.map(async (r) => {
      const status = await readRunbook(r.name, r.file);
      const dated = status.rows.map((row) => ({ row, t: Date.parse(`${row.date.slice(0, 10)}T00:00:00Z`) })).filter((x) => !Number.isNaN(x.t));
      const newest = dated.sort((a, b) => b.t - a.t)[0];
      const base = { name: r.name, file: r.file, staleAfterDays: STALE_AFTER_DAYS };
      if (status.error) return { ...base, lastWorked: null, ageDays: null, state: 'unreadable' as const, error: status.error };
      if (!newest) return { ...base, lastWorked: null, ageDays: null, state: 'never' as const };
      const ageDays = Math.floor((now - newest.t) / 86_400_000);
      const { app, region, resolvedBy, notes } = newest.row;
      return { ...base, lastWorked: newest.row.date, ageDays, state: ageDays > STALE_AFTER_DAYS ? ('stale' as const) : ('fresh' as const), last: { app, region, resolvedBy, notes } };
    }),
  );
}
