import { decide } from '../core/decide.ts';
import { checkPromql } from '../core/analysis/promql.ts';
import { defaultPolicy, Fact, type AppConfig, type Facts, type Policy } from '../core/facts.ts';
import type { RunStatus } from '../core/run.ts';

/** Runs that may still hold what they changed: a new plan must not act beside them. */
const OPEN: readonly RunStatus[] = ['running', 'interrupted', 'failed', 'awaiting-revert'];
import type { Plan } from '../core/plan.ts';
import { gatherFacts, startApplicationRead } from '../executor/gather-facts.ts';
import type { AppContext } from './app-context.ts';
import { AdapterError, NotFoundError } from '../core/errors.ts';
import type { ConfigRepo } from '../core/ports.ts';
import type { ApplicationCrReader } from '../executor/gather-application.ts';
import { planMetricsFacts } from './verify-service.ts';

export interface PlanRequest {
  readonly app: string;
  /** An Argo CD history id; for a `gitops: none` app, a ReplicaSet revision (kubectl's --to-revision). */
  readonly to?: number;
  readonly alertAt?: string;
  /** --mechanism: use this mechanism instead of the decision tree's first choice. */
  readonly mechanism?: string;
  /** --no-revert: a person reverts in git, whatever apps[].revert says. */
  readonly noRevert?: boolean;
  /** --fix REV: a fix to roll forward to (a branch or a commit in the config repo). */
  readonly fix?: string;
}

/** Gathers the facts (reads only; never opens the journal) and runs the pure decision core. */
export async function planRollback(ctx: AppContext, req: PlanRequest): Promise<{ facts: Facts; plan: Plan }> {
  const app = ctx.app(req.app);
  // The Application's read heads the critical path (the git reads need its revisions): it is sent
  // before anything else starts, since every other port's first steps (client-node's kubeconfig,
  // the git and SQL modules, Prometheus' reads) hold the one thread its TLS handshake needs (issue 19).
  // The facts see Argo CD's API as it is: an outage is a fact, never bridged by the CR fallback.
  const gitops = await (ctx.argocdApi ? ctx.argocdApi() : ctx.gitops());
  const slow = ctx.config.argocd.slowAfterMs !== undefined ? { argocdSlowMs: ctx.config.argocd.slowAfterMs } : {};
  // The CR reader is waited for only on an outage: it starts loading once the request is out.
  let startCr: (() => void) | undefined;
  const crReader = ctx.applicationCr && new Promise<ApplicationCrReader | undefined>((resolve) => (startCr = () => resolve(ctx.applicationCr?.(app.name))));
  crReader?.catch(() => undefined);
  const applicationRead = app.gitops === 'none' ? undefined : startApplicationRead({ gitops, ...(crReader ? { applicationCr: crReader } : {}), ...slow }, { app, argocdUrl: ctx.config.argocd.url });
  applicationRead?.catch(() => undefined);
  // The read's promise chain has reached https.request once a macrotask runs.
  if (applicationRead) await new Promise<void>((resolve) => setImmediate(resolve));
  startCr?.();
  // The runbook's `git fetch` runs beside the Argo CD and Kubernetes reads (issue 19); every git
  // read of the facts waits for it, so they all see the fetched repo, as when it ran first.
  const fetching = ctx.repo().then((r) => r?.fetch());
  fetching.catch(() => undefined);
  const fetched = fetching.then(() => undefined, staleOrThrow);
  fetched.catch(() => undefined);
  const openRuns = ctx.journal().then((j) => j.listRuns(req.app));
  openRuns.catch(() => undefined);
  // The metrics evidence needs none of the other facts: read beside them, not after (issue 19).
  const metricsFacts = planMetricsFacts(ctx, req.app);
  metricsFacts.catch(() => undefined);
  // Nor do the config repo's reads wait for the Kubernetes-side ports: each waits for its port at its first call.
  const cluster = whenReady(ctx.cluster(app.workload.cluster));
  const rollouts = ctx.rollouts && whenReady(ctx.rollouts(app.workload.cluster));
  const applicationCr = crReader;
  const [fetchedRepo, fetchedAnalyzer, { templates: fetchedTemplates }] = await Promise.all([ctx.repo(), ctx.analyzer(app), ctx.verification(app.name)]);
  const repo = fetchedRepo && afterFetch(fetchedRepo, fetched, fetching);
  const analyzer = fetchedAnalyzer && afterFetch(fetchedAnalyzer, fetched, fetching);
  const templates = fetchedTemplates && afterFetch(fetchedTemplates, fetched, fetching);
  const argoRollouts = app.workload.kind === 'Rollout' ? await ctx.argoRollouts?.(app.workload.cluster) : undefined;
  // NOTE: the PromQL parser decodes its grammar at its first parse (2-10 ms; scripts/build.js
  // promqlOnFirstParse), which decide() reached, for the verify step's window, after every fact
  // was in: parsed here instead, once the reads are out and the plan waits for their answers.
  setImmediate(() => checkPromql('vector(1)'));
  const gathered = await gatherFacts(
    { gitops, cluster, ...(rollouts ? { rollouts } : {}), ...(argoRollouts ? { argoRollouts } : {}), ...(await flagDeps(ctx, app, repo)), ...(repo ? { repo } : {}), ...(analyzer ? { analyzer } : {}), ...(templates ? { templates } : {}), ...(applicationCr ? { applicationCr } : {}), ...slow, ...(applicationRead ? { applicationRead } : {}), now: () => ctx.clock.now() },
    {
      app,
      argocdUrl: ctx.config.argocd.url,
      ...(req.to !== undefined ? { requestedId: req.to } : {}),
      ...(req.alertAt ? { alertAt: req.alertAt } : {}),
      ...(req.fix !== undefined ? { fix: req.fix } : {}),
    },
  );
  const stale = await fetched;
  const open = (await openRuns).filter((r) => OPEN.includes(r.status));
  // The run's steps go straight to the CR: the API's retries would be waited out at every step.
  if (gathered.argocdApi) ctx.argocdApiDown?.(gathered.argocdApi.value.reason);
  const facts: Facts = {
    ...gathered,
    openRuns: Fact.of(open.map((r) => ({ runId: r.runId, status: r.status, startedAt: r.startedAt })), 'rewind journal (runs not closed)'),
    ...(await metricsFacts),
    ...(stale ? { configRepoStale: Fact.of(stale, `git fetch in ${ctx.config.configRepo?.path ?? 'the config repo'}`) } : {}),
  };
  const history = facts.application?.value.history ?? [];
  if (req.to !== undefined && app.gitops !== 'none' && !history.some((h) => h.id === req.to)) {
    const ids = history.map((h) => h.id);
    throw new NotFoundError(`history id ${req.to} is not in ${req.app}'s Argo CD history`, {
      hint: ids.length
        ? `available ids: ${ids.join(', ')} (older ones were trimmed by revisionHistoryLimit=${facts.application?.value.revisionHistoryLimit ?? 10}); see \`rewind history ${req.app}\``
        : 'the app has no history yet',
    });
  }
  const policy: Policy = { ...defaultPolicy, ...(req.mechanism ? { mechanism: req.mechanism } : {}), ...(req.noRevert ? { revert: 'none' as const } : {}) };
  return { facts, plan: decide(facts, policy) };
}

/** Issue 14: the flag evidence reader and the app's flag stores, when it declares flags. */
async function flagDeps(ctx: AppContext, app: AppConfig, repo: ConfigRepo | undefined) {
  if (app.flags.length === 0 || !ctx.flagStores || !ctx.flagEvidence) return {};
  const reader = await ctx.flagEvidence();
  // The flagd store reads the flag file at the branch head after a fetch: the plan's own (issue 19: it fetched a second time).
  return reader ? { flags: { reader, stores: ctx.flagStores(app.name, repo) } } : {};
}

/**
 * The port `ready` resolves to, usable before it has: each method call waits for it (and fails as
 * it failed). Methods only, and never a thenable; a port that may resolve to nothing cannot be one.
 */
function whenReady<T extends object>(ready: Promise<T>): T {
  ready.catch(() => undefined);
  return new Proxy({} as T, {
    get(_target, key) {
      if (key === 'then' || typeof key === 'symbol') return undefined;
      return async (...args: unknown[]) => {
        const port = await ready;
        const method = Reflect.get(port, key) as (...a: unknown[]) => unknown;
        return method.apply(port, args);
      };
    },
  });
}

/**
 * A fetch that fails for a transient reason (the git host down) leaves the clone as last fetched:
 * planning goes on with it, saying so. Anything else (not a repo, bad credentials) stops the plan.
 */
function staleOrThrow(e: unknown): string {
  if (e instanceof AdapterError && e.transient) return e.message;
  throw e;
}

/**
 * `port` whose every method first waits for `fetched` (and fails with it when the fetch failed);
 * its own `fetch` is the plan's one fetch, `fetching` (a second `git fetch` within one plan would
 * only cost a process and a round trip to the git host).
 */
function afterFetch<T extends object>(port: T, fetched: Promise<unknown>, fetching: Promise<unknown>): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (key === 'fetch' && typeof v === 'function') return () => fetching.then(() => undefined);
      if (typeof v !== 'function') return v;
      const method = v as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        await fetched;
        return method.apply(target, args);
      };
    },
  });
}
