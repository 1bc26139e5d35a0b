import { hostname, userInfo } from 'node:os';
import type { Plan } from '../core/plan.ts';
import { RefusedError } from '../core/errors.ts';
import { resumeChanges } from '../core/resume-check.ts';
import { ownDeploys } from './own-deploys.ts';
import type { JournalStore } from '../core/ports.ts';
import { executePlan, type RunResult } from '../executor/execute-plan.ts';
import type { LoadedRun } from './run-lookup.ts';
import type { ProgressEvent } from '../executor/step-context.ts';
import type { AppContext } from './app-context.ts';
import { stepHandlerMap } from './step-registry.ts';
import { withComms } from './comms-service.ts';

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

/** The ports a plan's steps reach, built for the plan's workload cluster. */
async function runDeps(ctx: AppContext, plan: Plan, journal: JournalStore, progress: (e: ProgressEvent) => void, env: NodeJS.ProcessEnv) {
  const [gitops, cluster, repo, verification, metrics] = await Promise.all([ctx.gitops(), ctx.cluster(plan.workload.cluster), ctx.repo(), ctx.verification(plan.app), ctx.metrics()]);
  const fault = faultFromEnv(env);
  const undo = await undoDeps(ctx, plan);
  const flags = plan.steps.some((s) => s.kind.startsWith('flag.')) ? ctx.flagStores?.(plan.app) : undefined;
  return { gitops, cluster, ...undo, ...(flags ? { flags } : {}), ...(repo ? { repo } : {}), ...(metrics ? { metrics } : {}), clock: ctx.clock, journal: withComms(ctx, journal, env), progress, verification, handlers: stepHandlerMap(), host: hostname(), ...(fault ? { fault } : {}) };
}

/** The ports of `rollout undo` and `followup.revert`, built only for plans with such steps. */
async function undoDeps(ctx: AppContext, plan: Plan) {
  const kinds = new Set(plan.steps.map((s) => s.kind));
  const kube = [...kinds].some((k) => k.startsWith('kube.')) ? await ctx.rollouts?.(plan.workload.cluster) : undefined;
  const revert = kinds.has('followup.revert') ? await ctx.reverts?.() : undefined;
  const argo = [...kinds].some((k) => k.startsWith('rollouts.')) ? await rolloutsDeps(ctx, plan) : {};
  const db = [...kinds].some((k) => k.startsWith('db.')) ? await ctx.database?.(plan.app) : undefined;
  const rehearsal = kinds.has('db.down-migration') ? await ctx.downRehearsal?.(plan.app) : undefined;
  return { ...(kube ? { kube } : {}), ...(revert ? { revert } : {}), ...argo, ...(db ? { db } : {}), ...(rehearsal ? { rehearsal } : {}) };
}

/**
 * REWIND_FAULT=crash:<step-kind>:<before|after> ends the process abruptly (SIGKILL: no cleanup, no
 * flush beyond what is already durable) just before that step acts, or just after it acted and
 * before its outcome is journaled. The crash-campaign tests use it; nothing else should.
 */
function faultFromEnv(env: NodeJS.ProcessEnv): ((kind: string, when: 'before' | 'after') => void) | undefined {
  const m = /^crash:([\w.-]+):(before|after)$/.exec(env['REWIND_FAULT'] ?? '');
  if (!m) return undefined;
  return (kind, when) => {
    if (kind === m[1] && when === m[2]) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Executes a plan under the app's lease, journaled, through all its phases until it is done or a
 * follow-up step waits on people. A dry run touches neither the journal nor the lease.
 */
export async function executeRollback(ctx: AppContext, req: RollbackRequest, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const { plan } = req;
  const runId = newRunId(plan.app, ctx.clock.now());
  const journal = req.dryRun ? nullJournal : await ctx.journal();
  const deps = await runDeps(ctx, plan, journal, req.progress, env);
  const release = await journal.acquireLease(plan.app, runId);
  try {
    return await executePlan(deps, {
      runId,
      plan,
      actor: actorName(env),
      ...(req.reason ? { reason: req.reason } : {}),
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      dryRun: req.dryRun,
    });
  } finally {
    await release();
  }
}

const nullJournal: JournalStore = {
  append: async () => {},
  read: () => Promise.resolve([]),
  listRuns: () => Promise.resolve([]),
  acquireLease: () => Promise.resolve(async () => {}),
  close: async () => {},
};

export type { RunResult } from '../executor/execute-plan.ts';
export type { ProgressEvent } from '../executor/step-context.ts';

/**
 * Continues a journaled run at its first unfinished step, under the app's lease: `resume` after
 * a crash or Ctrl-C, and `finish` for the follow-up phase. Every step re-reads live state first.
 * A dry run (finish --dry-run) walks the remaining steps without acting or journaling.
 */
export async function continueRun(
  ctx: AppContext,
  loaded: LoadedRun,
  req: Omit<RollbackRequest, 'plan' | 'reason'>,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const { plan, runId } = loaded;
  const journal = req.dryRun ? nullJournal : await ctx.journal();
  const deps = await runDeps(ctx, plan, journal, req.progress, env);
  const release = await journal.acquireLease(plan.app, runId);
  try {
    // A Deployment no GitOps controller manages has no Application: its steps re-read it themselves.
    const argocd = plan.steps.some((s) => s.kind.startsWith('argocd.'));
    const live = argocd ? await deps.gitops.getApplication(plan.app, { refresh: true }) : undefined;
    const moved = live ? resumeChanges(plan, live, runId, loaded.resumePhase, ctx.clock.now().toISOString(), await ownDeploys(deps.repo, plan, runId, live)) : [];
    if (moved.length > 0) {
      throw new RefusedError(`run ${runId} cannot continue: the world moved on since it stopped: ${moved.join('; ')}`, {
        hint: `nothing was changed; see \`rewind show ${runId}\`, then end it with \`rewind abandon ${runId} --reason TEXT --restore|--leave\``,
      });
    }
    return await executePlan(deps, {
      runId,
      plan,
      actor: actorName(env),
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      dryRun: req.dryRun,
      startAt: loaded.resumeAt,
      previous: loaded.results,
    });
  } finally {
    await release();
  }
}

/** Argo Rollouts and Argo CD's resource actions, for plans with rollouts.* steps. */
async function rolloutsDeps(ctx: AppContext, plan: Plan) {
  const [argoRollouts, actions] = await Promise.all([ctx.argoRollouts?.(plan.workload.cluster), ctx.resourceActions?.()]);
  return { ...(argoRollouts ? { argoRollouts } : {}), ...(actions ? { actions } : {}) };
}
