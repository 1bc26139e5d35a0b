import { userInfo } from 'node:os';
import type { Plan } from '../core/plan.ts';
import { executePlan, type RunResult } from '../executor/execute-plan.ts';
import { finishRun, type FinishResult } from '../executor/finish-run.ts';
import { NotFoundError } from '../core/errors.ts';
import type { LoadedRun } from './run-lookup.ts';
import type { ProgressEvent } from '../executor/step-context.ts';
import type { AppContext } from './app-context.ts';

export interface RollbackRequest {
  readonly plan: Plan;
  readonly reason?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly dryRun: boolean;
  readonly progress: (e: ProgressEvent) => void;
}

export function newRunId(app: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${app}`.replace(/[^\w.-]/g, '-');
}

export function actorName(env: NodeJS.ProcessEnv): string {
  try {
    return env['REWIND_ACTOR'] ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Executes a plan under the app's lease, journaled. A dry run touches neither the journal nor
 * the lease: it asks Argo CD for a dry-run rollback and reports what would change.
 */
export async function executeRollback(ctx: AppContext, req: RollbackRequest, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const { plan } = req;
  const [gitops, cluster, verification] = await Promise.all([ctx.gitops(), ctx.cluster(plan.workload.cluster), ctx.verification(plan.app)]);
  const runId = newRunId(plan.app, ctx.clock.now());
  const journal = req.dryRun ? undefined : await ctx.journal();
  const release = journal ? await journal.acquireLease(plan.app, runId) : async () => {};
  try {
    return await executePlan(
      { gitops, cluster, clock: ctx.clock, progress: req.progress, journal: journal ?? nullJournal, verification },
      {
        runId,
        plan,
        actor: actorName(env),
        ...(req.reason ? { reason: req.reason } : {}),
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        dryRun: req.dryRun,
      },
    );
  } finally {
    await release();
  }
}

const nullJournal = {
  append: async () => {},
  read: () => Promise.resolve([]),
  listRuns: () => Promise.resolve([]),
  acquireLease: () => Promise.resolve(async () => {}),
  close: async () => {},
};

export type { RunResult } from '../executor/execute-plan.ts';
export type { ProgressEvent } from '../executor/step-context.ts';
export type { FinishResult } from '../executor/finish-run.ts';

/** Continues a journaled run at its first unfinished step, under the app's lease. */
export async function resumeRollback(
  ctx: AppContext,
  loaded: LoadedRun,
  req: Omit<RollbackRequest, 'plan' | 'dryRun' | 'reason'>,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const { plan, runId } = loaded;
  const journal = await ctx.journal();
  const [gitops, cluster, verification] = await Promise.all([ctx.gitops(), ctx.cluster(plan.workload.cluster), ctx.verification(plan.app)]);
  const release = await journal.acquireLease(plan.app, runId);
  try {
    return await executePlan(
      { gitops, cluster, clock: ctx.clock, journal, progress: req.progress, verification },
      { runId, plan, actor: actorName(env), timeoutMs: req.timeoutMs, signal: req.signal, dryRun: false, startAt: loaded.resumeAt, previous: loaded.results },
    );
  } finally {
    await release();
  }
}

/** Step 3d for the app's open run: revert landed → restore auto-sync → clean sync → closed. */
export async function finishRollback(
  ctx: AppContext,
  open: LoadedRun,
  req: { timeoutMs: number; signal: AbortSignal; dryRun: boolean; log: (m: string) => void },
): Promise<FinishResult> {
  const repo = await ctx.repo();
  if (!repo) throw new NotFoundError('rewind.yaml has no configRepo: cannot check that the revert landed');
  const journal = await ctx.journal();
  const [gitops, cluster] = await Promise.all([ctx.gitops(), ctx.cluster(open.plan.workload.cluster)]);
  const release = await journal.acquireLease(open.plan.app, open.runId);
  try {
    return await finishRun(
      { gitops, cluster, repo, journal, clock: ctx.clock, log: req.log },
      { runId: open.runId, plan: open.plan, timeoutMs: req.timeoutMs, signal: req.signal, dryRun: req.dryRun },
    );
  } finally {
    await release();
  }
}
