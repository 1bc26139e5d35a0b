/**
 * `rewind flags restore RUN`: puts back the flags a run turned off, on request only (`finish`
 * never does: turning a feature on again is a product decision). What goes back is what the run's
 * plan recorded in each `flag.off` step (`previous`), never what live state says now. Each
 * restore is journaled past the plan's steps, as abandon's actions are.
 */
import { InternalError, RefusedError } from '../core/errors.ts';
import { flagOff } from '../core/steps/flag-steps.ts';
import type { AppContext } from './app-context.ts';
import { loadRun } from './run-lookup.ts';

export interface RestoreRequest {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly actor: string;
}

export interface FlagRestore {
  readonly key: string;
  readonly outcome: 'restored' | 'unchanged' | 'would-restore';
  readonly detail: string;
}

/** The flags a run turned off, from its journal (for the confirmation and the dry run). */
export async function flagsTurnedOff(ctx: AppContext, runId: string) {
  const run = await loadRun(await ctx.journal(), runId);
  const offs = run.plan.steps.flatMap((s, i) => (s.kind === flagOff.kind && (run.results[i]?.status === 'succeeded') ? [{ step: i, params: flagOff.params.parse(s.params, `steps[${i}].params`) }] : []));
  return { run, offs };
}

export async function restoreFlags(ctx: AppContext, req: RestoreRequest): Promise<readonly FlagRestore[]> {
  const { run, offs } = await flagsTurnedOff(ctx, req.runId);
  if (offs.length === 0) throw new RefusedError(`run ${req.runId} turned no flag off: there is nothing to restore`, { hint: '`rewind show RUN` lists what it did' });
  const stores = ctx.flagStores?.(run.plan.app);
  if (!stores) throw new InternalError('this rewind has no flag stores');
  const journal = await ctx.journal();
  const out: FlagRestore[] = [];
  let step = Math.max(run.plan.steps.length, ...run.records.map((r) => ('step' in r ? r.step + 1 : 0)));
  for (const { params } of offs) {
    const found = await stores(params.key);
    if (!found) throw new RefusedError(`flag ${params.key} is no longer declared for ${run.plan.app} in rewind.yaml`);
    if (req.dryRun) {
      out.push({ key: params.key, outcome: 'would-restore', detail: `dry run: would put ${params.key} back to ${params.previous}` });
      continue;
    }
    const at = () => ctx.clock.now().toISOString();
    await journal.append({ type: 'intent', runId: req.runId, step, kind: 'flag.restore', phase: 'follow-up', at: at(), actor: req.actor });
    const w = await found.store.restore(found.flag, params.previous, { runId: req.runId, message: `rewind: restore ${params.key} as run ${req.runId} found it\n\nRequested by ${req.actor}.\n\nRewind-Run: ${req.runId}` });
    const detail = w.changed ? `put ${params.key} back in ${w.where}${w.commit ? ` (commit ${w.commit.slice(0, 7)})` : ''}: ${params.previous}` : `${params.key} already is as the run found it (${w.where})`;
    await journal.append({ type: 'outcome', runId: req.runId, step, kind: 'flag.restore', phase: 'follow-up', at: at(), status: w.changed ? 'succeeded' : 'skipped', evidence: [detail] });
    out.push({ key: params.key, outcome: w.changed ? 'restored' : 'unchanged', detail });
    step++;
  }
  return out;
}
