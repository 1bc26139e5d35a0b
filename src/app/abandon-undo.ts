import { hostname } from 'node:os';
import { describeHold, type Hold, type HoldReading } from '../core/hold.ts';
import { InternalError, NotFoundError, RefusedError } from '../core/errors.ts';
import type { JournalStore } from '../core/ports.ts';
import type { AbandonRequest, AbandonResult } from './abandon-service.ts';
import type { AppContext } from './app-context.ts';
import { actorName } from './rollback-service.ts';
import type { LoadedRun } from './run-lookup.ts';

/** Where a `gitops: none` app's hold lives: on its Deployment, or on its Argo Rollout (the same `rewind.io/hold`). */
interface HeldWorkload {
  readonly what: string;
  read(): Promise<HoldReading | undefined>;
  write(hold: Hold): Promise<void>;
  clear(runId: string): Promise<void>;
}

async function control(ctx: AppContext, app: string): Promise<{ kube: HeldWorkload }> {
  const ref = ctx.app(app).workload;
  if (ref.kind === 'Rollout') {
    const ro = await ctx.argoRollouts?.(ref.cluster);
    if (!ro) throw new InternalError('no Kubernetes client to read the Rollout hold');
    return { kube: { what: `rollout ${ref.namespace}/${ref.name}`, read: async () => (await ro.read(ref)).hold, write: (h) => ro.writeHold(ref, h), clear: (id) => ro.clearHold(ref, id) } };
  }
  const kube = await ctx.rollouts?.(ref.cluster);
  if (!kube) throw new InternalError('no Kubernetes client to read the Deployment hold');
  return { kube: { what: `deployment ${ref.namespace}/${ref.name}`, read: async () => (await kube.history(ref)).hold, write: (h) => kube.writeHold(ref, h), clear: (id) => kube.clearHold(ref, id) } };
}

/**
 * `abandon` for a `gitops: none` app: its hold is on the Deployment (or the Argo Rollout). The run saved nothing to give
 * back (an undo changes the template, and shipping the bad release again is no restore), so
 * `--restore` removes the hold and `--leave` marks it left until `rewind release`.
 */
export async function abandonDeploymentRun(ctx: AppContext, app: string, req: AbandonRequest, loaded: LoadedRun | undefined, journal: JournalStore, env: NodeJS.ProcessEnv): Promise<AbandonResult> {
  const { kube } = await control(ctx, app);
  const reading = await kube.read();
  if (reading && !reading.ok) throw new RefusedError(describeHold(reading, ctx.clock.now().toISOString()));
  const hold = reading?.hold;
  const runId = req.runId ?? hold?.runId;
  if (runId === undefined) throw new NotFoundError(`${kube.what} carries no hold: no run holds ${app}`, { hint: 'see `rewind runs` for runs in this journal' });
  if (hold && hold.runId !== runId) throw new RefusedError(`${app} is held by run ${hold.runId}, not ${runId}`, { hint: `abandon that run instead: rewind abandon --app ${app}` });
  if (req.dryRun) return { app, runId, actions: [], notes: [`dry run: would ${req.mode === 'restore' ? 'remove the hold' : `mark ${kube.what} as left`}`] };
  const release = await journal.acquireLease(app, `abandon:${runId}`);
  try {
    const at = () => ctx.clock.now().toISOString();
    const index = loaded?.plan.steps.length ?? 0;
    const kind = req.mode === 'restore' ? 'abandon.release-hold' : 'abandon.leave';
    const actions: string[] = [];
    if (hold) {
      if (loaded) await journal.append({ type: 'intent', runId, at: at(), step: index, kind, phase: 'follow-up', actor: actorName(env) });
      if (req.mode === 'restore') await kube.clear(runId);
      else {
        const left: Hold = { ...hold, state: 'left', at: at(), actor: actorName(env), host: hostname(), reason: `abandoned: ${req.reason}` };
        await kube.write(left);
      }
      const evidence = req.mode === 'restore' ? `removed the hold of run ${runId} from ${kube.what}` : `left ${kube.what} as the run changed it, marked "left by abandoned run ${runId}"`;
      if (loaded) await journal.append({ type: 'outcome', runId, at: at(), step: index, kind, phase: 'follow-up', status: 'succeeded', evidence: [evidence] });
      actions.push(evidence);
    }
    if (loaded) await journal.append({ type: 'run-status', runId, at: at(), status: 'abandoned', detail: `${req.mode}: ${req.reason}` });
    const notes = !hold
      ? [`${kube.what} carried no hold: the run had changed nothing on it`]
      : req.mode === 'restore'
        ? [`${kube.what} stays on the template it runs now: the run saved nothing else to give back`]
        : [`${kube.what} stays marked until: rewind release ${app}`];
    return { app, runId, actions, notes };
  } finally {
    await release();
  }
}

/** `release` for a `gitops: none` app: the mark of an abandoned run goes from the Deployment (or the Rollout). */
export async function releaseDeployment(ctx: AppContext, app: string, dryRun: boolean): Promise<string> {
  const { kube } = await control(ctx, app);
  const reading = await kube.read();
  if (!reading) return `${kube.what} carries no hold: nothing to release`;
  if (!reading.ok || reading.hold.state !== 'left') throw new RefusedError(`${app} is held by an open run, not left by an abandoned one: ${describeHold(reading, ctx.clock.now().toISOString())}`);
  if (dryRun) return `dry run: would remove the mark of abandoned run ${reading.hold.runId} from ${kube.what}`;
  await kube.clear(reading.hold.runId);
  return `released ${app}: the mark of abandoned run ${reading.hold.runId} is gone from ${kube.what}`;
}
