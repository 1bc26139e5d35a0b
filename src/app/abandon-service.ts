import { hostname } from 'node:os';
import { describeHold, type Hold, type HoldLocation } from '../core/hold.ts';
import { NotFoundError, RefusedError } from '../core/errors.ts';
import type { GitOpsClient } from '../core/ports.ts';
import type { AppContext } from './app-context.ts';
import { actorName } from './rollback-service.ts';
import { loadRun } from './run-lookup.ts';
import { abandonDeploymentRun, releaseDeployment } from './abandon-undo.ts';

export interface AbandonRequest {
  /** The run, from this host's journal; or, for another host's run, only `app` (the hold says the rest). */
  readonly runId?: string;
  readonly app?: string;
  readonly reason: string;
  /** restore: give back what the hold saved; leave: keep it changed, marked, until `rewind release`. */
  readonly mode: 'restore' | 'leave';
  readonly dryRun: boolean;
}

export interface AbandonResult {
  readonly app: string;
  readonly runId: string;
  readonly actions: readonly string[];
  /** What the user must know next (the app syncs to the branch head; the hold stays until release). */
  readonly notes: readonly string[];
}

/**
 * Ends a run without finishing it, acting from the hold on the Application (which another host's
 * rewind can read, having no journal for the run) and journaling each action when this journal
 * has the run. Refuses while a live process on this host holds the run's lease.
 */
export async function abandonRun(ctx: AppContext, req: AbandonRequest, env: NodeJS.ProcessEnv): Promise<AbandonResult> {
  const journal = await ctx.journal();
  const loaded = req.runId ? await loadRun(journal, req.runId) : undefined;
  const app = loaded?.plan.app ?? req.app ?? '';
  if (!app) throw new NotFoundError('name the run, or the app with --app');
  if (ctx.app(app).gitops === 'none') return abandonDeploymentRun(ctx, app, req, loaded, journal, env);
  const gitops = await ctx.gitops();
  const live = await gitops.getApplication(app);
  const reading = live.hold;
  if (reading && !reading.ok) throw new RefusedError(describeHold(reading, ctx.clock.now().toISOString()));
  const hold = reading?.hold;
  const runId = req.runId ?? hold?.runId;
  if (runId === undefined) throw new NotFoundError(`${app} carries no hold: no run holds it`, { hint: 'see `rewind runs` for runs in this journal' });
  if (hold && hold.runId !== runId) throw new RefusedError(`${app} is held by run ${hold.runId}, not ${runId}`, { hint: `abandon that run instead: rewind abandon --app ${app}` });
  if (req.dryRun) return { app, runId, actions: [], notes: [`dry run: would ${req.mode === 'restore' ? 'restore what the hold saved and remove it' : 'leave the app as it is, marked as left'}`] };
  const release = await journal.acquireLease(app, `abandon:${runId}`);
  try {
    let step = loaded?.plan.steps.length ?? 0;
    const record = async (kind: string, act: () => Promise<string>): Promise<string> => {
      const at = () => ctx.clock.now().toISOString();
      const index = step++;
      if (loaded) await journal.append({ type: 'intent', runId, at: at(), step: index, kind, phase: 'follow-up', actor: actorName(env) });
      const evidence = await act();
      if (loaded) await journal.append({ type: 'outcome', runId, at: at(), step: index, kind, phase: 'follow-up', status: 'succeeded', evidence: [evidence] });
      return evidence;
    };
    const actions: string[] = [];
    const notes: string[] = [];
    if (hold && req.mode === 'restore') actions.push(...(await restore(gitops, app, hold, live.holdOn, record)));
    if (hold && req.mode === 'restore') {
      notes.push(hold.saved.syncPolicy.automated?.enabled
        ? `auto-sync is back on: Argo CD now syncs ${app} to its branch head, which still carries ${hold.badRevision.slice(0, 7)} unless it was reverted`
        : `the saved policy is manual: ${app} stays on what it runs until someone syncs it`);
    }
    if (hold && req.mode === 'leave') {
      const left: Hold = { ...hold, state: 'left', at: ctx.clock.now().toISOString(), actor: actorName(env), host: hostname(), reason: `abandoned: ${req.reason}` };
      actions.push(await record('abandon.leave', async () => {
        await gitops.writeHold(app, left, live.holdOn);
        return `left ${app} as the run changed it, marked "left by abandoned run ${runId}"`;
      }));
      notes.push(`${app} stays changed (auto-sync as the run left it) and marked until: rewind release ${app}`);
    }
    if (loaded) await journal.append({ type: 'run-status', runId, at: ctx.clock.now().toISOString(), status: 'abandoned', detail: `${req.mode}: ${req.reason}` });
    if (!hold) notes.push(`${app} carried no hold: the run had changed nothing on Argo CD`);
    return { app, runId, actions, notes };
  } finally {
    await release();
  }
}

/** Runs one abandon action between its journaled intent and outcome. */
type Journaled = (kind: string, act: () => Promise<string>) => Promise<string>;

/** Gives back exactly what the hold saved: the pinned targetRevision, the sync policy, the owner, then the hold itself. */
async function restore(gitops: GitOpsClient, app: string, hold: Hold, on: HoldLocation | undefined, record: Journaled): Promise<string[]> {
  const out: string[] = [];
  const live = await gitops.getApplication(app);
  const to = hold.saved.targetRevision;
  if (to !== undefined && live.source.targetRevision !== to) {
    out.push(await record('abandon.unpin-target-revision', async () => {
      await gitops.setTargetRevision(app, to);
      return `spec.source.targetRevision -> ${to}`;
    }));
  }
  if (JSON.stringify(live.syncPolicy.automated) !== JSON.stringify(hold.saved.syncPolicy.automated)) {
    out.push(await record('abandon.restore-sync-policy', async () => {
      await gitops.setSyncPolicy(app, hold.saved.syncPolicy);
      return `restored spec.syncPolicy.automated = ${JSON.stringify(hold.saved.syncPolicy.automated)}`;
    }));
  }
  const owner = hold.saved.owner;
  if (owner?.kind === 'ApplicationSet') {
    out.push(await record('abandon.restore-owner', async () => {
      await gitops.setApplicationsSync(owner.name, owner.applicationsSync);
      return `ApplicationSet ${owner.name}: applicationsSync back to ${owner.applicationsSync ?? 'unset (sync)'}`;
    }));
  } else if (owner?.kind === 'Application') {
    out.push(await record('abandon.restore-owner', async () => {
      await gitops.setSyncPolicy(owner.name, owner.syncPolicy);
      return `parent ${owner.name}: restored spec.syncPolicy.automated = ${JSON.stringify(owner.syncPolicy.automated)}`;
    }));
  }
  out.push(await record('abandon.release-hold', async () => {
    await gitops.clearHold(app, hold.runId, on);
    return `removed the hold of run ${hold.runId}`;
  }));
  return out;
}

/** `rewind release APP`: the app left by an abandoned run is accepted as it is; the mark goes. */
export async function releaseApp(ctx: AppContext, app: string, dryRun: boolean): Promise<string> {
  if (ctx.app(app).gitops === 'none') return releaseDeployment(ctx, app, dryRun);
  const gitops = await ctx.gitops();
  const live = await gitops.getApplication(app);
  const reading = live.hold;
  if (!reading) return `${app} carries no hold: nothing to release`;
  if (!reading.ok || reading.hold.state !== 'left') {
    throw new RefusedError(`${app} is held by an open run, not left by an abandoned one: ${describeHold(reading, ctx.clock.now().toISOString())}`);
  }
  if (dryRun) return `dry run: would remove the mark of abandoned run ${reading.hold.runId} from ${app}`;
  await gitops.clearHold(app, reading.hold.runId, live.holdOn);
  return `released ${app}: the mark of abandoned run ${reading.hold.runId} is gone; its sync policy stays as it is now`;
}
