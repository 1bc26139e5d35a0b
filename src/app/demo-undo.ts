/**
 * The demos of issue 13, inside `runDemo`'s sandbox: `kubectl` (an app Argo CD does not manage,
 * undone as `kubectl rollout undo` does) and `autosync-footgun` (a plain undo on a self-healed app
 * put back by Argo CD within seconds, shown step by step; then rewind's undo, which sticks); and
 * issue 17's `rollouts-workloadref` (a kubectl-deployed Rollout undone through its Deployment).
 */
import { AdapterError } from '../core/errors.ts';
import { WorkloadState } from '../core/domain.ts';
import type { Plan } from '../core/plan.ts';
import { chooseUndoTarget } from '../core/rollout-history.ts';
import type { RunResult } from '../executor/execute-plan.ts';
import type { AppContext } from './app-context.ts';
import type { DemoOptions } from './demo.ts';
import { planRollback } from './plan-service.ts';
import { executeRollback } from './rollback-service.ts';

export interface UndoDemoInput {
  readonly ctx: AppContext;
  readonly dir: string;
  readonly app: string;
  readonly opts: DemoOptions;
  /** `rewind sandbox break APP --scenario NAME` in a child process, as a user would. */
  breakApp(scenario: string): Promise<void>;
}

export type UndoDemo = (input: UndoDemoInput) => Promise<{ plan: Plan; result: RunResult | undefined }>;

/** Polls the workload (real time; the sandbox clock runs fast) until `ok`, or fails naming `what`. */
async function watch(ctx: AppContext, app: string, what: string, ok: (w: WorkloadState) => boolean, timeoutMs = 120_000): Promise<WorkloadState> {
  const ref = ctx.app(app).workload;
  const cluster = await ctx.cluster(ref.cluster);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const w = await cluster.getWorkload(ref);
    if (ok(w)) return w;
    if (Date.now() > deadline) throw new AdapterError('sandbox', 'demo', `${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const mainImage = (w: WorkloadState): string => w.images.find((i) => !i.init && i.container === w.ref.name)?.image ?? w.images[0]?.image ?? '';

async function planAndRun(input: UndoDemoInput, mechanism?: string): Promise<{ plan: Plan; result: RunResult | undefined }> {
  const { ctx, app, opts } = input;
  const { plan } = await planRollback(ctx, { app, alertAt: new Date(ctx.clock.now().getTime() + 1000).toISOString(), ...(mechanism ? { mechanism } : {}) });
  opts.showPlan(plan);
  opts.say(`chosen: ${plan.mechanism ?? 'none'}; not chosen: ${plan.rejected.map((r) => `${r.mechanism} (${r.reason})`).join('; ')}`);
  if (plan.decision !== 'rollback') return { plan, result: undefined };
  const result = await executeRollback(ctx, { plan, reason: `demo: ${app} regressed after a deploy`, timeoutMs: 5 * 60_000, signal: opts.signal, dryRun: false, progress: opts.progress }, opts.env);
  return { plan, result };
}

const kubectlDemo: UndoDemo = async (input) => {
  const { ctx, app, opts } = input;
  const before = mainImage(await watch(ctx, app, 'reading the Deployment', () => true));
  opts.say(`${app} has no Argo CD Application: its team ships with kubectl set image. It runs ${before}`);
  await input.breakApp('kubectl');
  const broken = await watch(ctx, app, 'the bad release crash-looping', (w) => w.pods.some((p) => p.waiting?.reason === 'CrashLoopBackOff'));
  opts.say(`shipped ${mainImage(broken)}: its new Pods are in CrashLoopBackOff, the rollout is stuck`);
  return planAndRun(input);
};

const autosyncFootgunDemo: UndoDemo = async (input) => {
  const { ctx, app, opts } = input;
  const gitops = await ctx.gitops();
  const lastId = (await gitops.getApplication(app)).history.at(-1)?.id ?? 0;
  const good = mainImage(await watch(ctx, app, 'reading the Deployment', () => true));
  opts.say(`${app} runs ${good}, with Argo CD's self-heal on`);
  await input.breakApp('argocd-image');
  // NOTE: rolled out as `kubectl rollout status` says it, observedGeneration first: until the
  // Deployment controller has seen the new template, its status is the old rollout's, the bad
  // ReplicaSet does not exist yet, and the undo below would go back from the good release.
  const bad = mainImage(await watch(ctx, app, 'the bad digest rolled out', (w) => mainImage(w) !== good && WorkloadState.isRolledOut(w)));
  const deployed = (await gitops.getApplication(app)).history.at(-1);
  opts.say(`Argo CD synced ${deployed && deployed.id > lastId ? `history ${deployed.id}` : 'the bad commit'}; every Pod runs ${bad}`);

  opts.say('step 1 - the footgun: a plain `kubectl rollout undo deployment/catalog`, with self-heal still on');
  const ref = ctx.app(app).workload;
  const rollouts = await ctx.rollouts?.(ref.cluster);
  if (!rollouts) throw new AdapterError('sandbox', 'demo', 'no Kubernetes client for rollout undo');
  const choice = chooseUndoTarget(ref.name, await rollouts.history(ref));
  if (!choice.ok) throw new AdapterError('sandbox', 'demo', choice.reason);
  const undone = await rollouts.undo(ref, choice.target.revision);
  const t0 = ctx.clock.now().getTime();
  // NOTE: self-heal's first attempt is immediate on drift (Argo CD >= 2.14): the good template may
  // be replaced before any read sees it, so the undo is shown as the API server accepted it.
  const asked = choice.target.images.find((i) => !i.init && i.container === ref.name)?.image ?? choice.target.images[0]?.image ?? '';
  opts.say(`step 2 - deployment.apps/${ref.name} ${undone.message} to revision ${choice.target.revision}: the template asks for ${asked} again`);
  // The controller re-numbers the ReplicaSets once it observes self-heal's template: rewind's plan
  // reads the history after that, as a person would after `kubectl rollout status`.
  await watch(ctx, app, 'self-heal', (w) => mainImage(w) === bad && w.observedGeneration >= w.generation);
  opts.say(`step 3 - Argo CD self-heal put ${bad} back ${((ctx.clock.now().getTime() - t0) / 1000).toFixed(0)} sandbox seconds later: the fix was undone, git still says the bad commit`);
  opts.say('step 4 - rewind\'s path: hold self-heal first, undo, revert in git, give auto-sync back');
  return planAndRun(input, 'rollout-undo');
};

/** The demos this module runs, by scenario name. */
/** Issue 17: a kubectl-deployed Rollout whose template lives in a Deployment (workloadRef); the bad build promoted in full. */
const rolloutsWorkloadRefDemo: UndoDemo = async (input) => {
  const { ctx, app, opts } = input;
  const before = mainImage(await watch(ctx, app, 'reading the Rollout', (w) => w.images.length > 0));
  opts.say(`${app} is an Argo Rollout without Argo CD; its template lives in a Deployment (workloadRef). It runs ${before}`);
  await input.breakApp('rollouts-workloadref');
  const broken = await watch(ctx, app, 'the bad build promoted in full', (w) => mainImage(w) !== before && w.updatedReplicas === w.replicas && w.availableReplicas >= w.replicas);
  opts.say(`the pipeline set ${mainImage(broken)} on the Deployment and the team promoted it in full: every Pod runs it`);
  return planAndRun(input);
};

export const UNDO_DEMOS: Readonly<Record<string, UndoDemo>> = { kubectl: kubectlDemo, 'autosync-footgun': autosyncFootgunDemo, 'rollouts-workloadref': rolloutsWorkloadRefDemo };
