import { chooseLastKnownGood } from '../core/last-known-good.ts';
import { Fact, type AppConfig, type Facts } from '../core/facts.ts';
import type { ArgoRolloutsControl, ChangeAnalyzer, ClusterClient, ConfigRepo, FlagEvidenceReader, GitOpsClient, RolloutControl, TemplateSource } from '../core/ports.ts';
import type { ApplicationState, WorkloadRef } from '../core/domain.ts';
import type { FlagStores } from './step-context.ts';
import { flagEvidenceFact } from './gather-flag-facts.ts';
import { rolloutHistoryFact } from './gather-undo-facts.ts';
import { NotFoundError } from '../core/errors.ts';
import { runningRevision } from '../core/domain.ts';
import { gatherFix } from './gather-fix.ts';
import { readApplication, type ApplicationCrReader } from './gather-application.ts';

export interface GatherDeps {
  readonly gitops: GitOpsClient;
  readonly cluster: ClusterClient;
  /** Absent when no config repo is configured: Step 0 and Step 2 then cannot run. */
  readonly repo?: ConfigRepo;
  readonly analyzer?: ChangeAnalyzer;
  /** The app's Pod template in the config repo: the images the target renders (sidecars included). */
  readonly templates?: TemplateSource;
  readonly now: () => Date;
  /** The Deployment's ReplicaSet history, for `rollout undo` (absent: that mechanism declines). */
  readonly rollouts?: RolloutControl;
  /** An Argo Rollout's canary, ReplicaSets and AnalysisRuns (absent: the argo-rollouts mechanism declines). */
  readonly argoRollouts?: ArgoRolloutsControl;
  /** Issue 14: the bad release's hunks and the declared flags' providers (absent: the app declares no flag). */
  readonly flags?: { readonly reader: FlagEvidenceReader; readonly stores: FlagStores };
  /** Issue 13: the Application CR through the Kubernetes API, read when Argo CD's API is out (absent: none configured). */
  readonly applicationCr?: ApplicationCrReader | Promise<ApplicationCrReader | undefined>;
  /** Issue 13: an API read slower than this is an outage (absent: only a failed read is). */
  readonly argocdSlowMs?: number;
  /** The Application's read (`startApplicationRead`), begun before the other ports were ready (issue 19). */
  readonly applicationRead?: ReturnType<typeof readApplication>;
}

export interface GatherRequest {
  readonly app: AppConfig;
  readonly requestedId?: number;
  readonly alertAt?: string;
  readonly argocdUrl: string;
  /** `--fix REF`: a fix to roll forward to, checked like any revision (executor/gather-fix.ts). */
  readonly fix?: string;
}

/**
 * Gathers the facts for one app, in parallel where they are independent: the Application and the
 * workload first; then, for the last-known-good..current window, Step 0 and Step 2 from the config
 * repo. The window is chosen with the core's own pure rule so the plan and the evidence agree.
 */
export async function gatherFacts(deps: GatherDeps, req: GatherRequest): Promise<Facts> {
  const facts = await gatherWindow(deps, req);
  return req.fix === undefined ? facts : { ...facts, ...(await gatherFix(deps, facts, req.fix)) };
}

const applicationSource = (argocdUrl: string, name: string) => `argocd GET ${argocdUrl}/api/v1/applications/${name}`;

/** The Application's read as `gatherFacts` makes it, to begin as soon as Argo CD's client is ready. */
export function startApplicationRead(deps: Pick<GatherDeps, 'gitops' | 'applicationCr' | 'argocdSlowMs'>, req: Pick<GatherRequest, 'argocdUrl' | 'app'>): ReturnType<typeof readApplication> {
  return readApplication(deps.gitops, deps.applicationCr, req.app.name, applicationSource(req.argocdUrl, req.app.name), deps.argocdSlowMs);
}

async function gatherWindow(deps: GatherDeps, req: GatherRequest): Promise<Facts> {
  const { app } = req;
  const appSource = applicationSource(req.argocdUrl, app.name);
  const w = app.workload;
  const workloadSource = `kubernetes GET ${w.cluster}: ${w.kind.toLowerCase()}s/${w.name} -n ${w.namespace} + pods`;
  if (app.gitops === 'none') {
    // No GitOps controller: no Application, no config repo window; what runs is the Deployment's.
    const [workload, undo, rollout] = await Promise.all([deps.cluster.getWorkload(w), rolloutHistoryFact(deps.rollouts, w, true), argoRolloutFact(deps.argoRollouts, w)]);
    return { app, now: deps.now().toISOString(), ...(req.alertAt ? { alertAt: req.alertAt } : {}), ...(req.requestedId !== undefined ? { requestedId: req.requestedId } : {}), workload: Fact.of(workload, workloadSource), ...undo, ...rollout };
  }
  // The config repo's reads need only the Application: they start as soon as it is read, beside
  // the workload's (issue 19). The workload's errors still come first, as when both were awaited together.
  const kube = Promise.all([deps.cluster.getWorkload(w), rolloutHistoryFact(deps.rollouts, w, false), argoRolloutFact(deps.argoRollouts, w)]);
  kube.catch(() => undefined);
  const read = await (deps.applicationRead ?? readApplication(deps.gitops, deps.applicationCr, app.name, appSource, deps.argocdSlowMs));
  const window = read.application ? windowFacts(deps, req, read.application) : Promise.resolve({});
  window.catch(() => undefined);
  const [workload, undo, rollout] = await kube;
  const common: Facts = {
    app,
    now: deps.now().toISOString(),
    ...(req.alertAt ? { alertAt: req.alertAt } : {}),
    ...(req.requestedId !== undefined ? { requestedId: req.requestedId } : {}),
    workload: Fact.of(workload, workloadSource),
    ...undo,
    ...rollout,
    ...(read.argocdApi ? { argocdApi: read.argocdApi } : {}),
  };
  // Neither Argo CD's API nor its CR answered: the facts say so, and the decision tree refuses.
  if (!read.application) return common;
  return { ...common, application: Fact.of(read.application, read.source ?? appSource), ...(await window) };
}

/** Step 0 and Step 2 for the last-known-good..current window of `application`, from the config repo. */
async function windowFacts(deps: GatherDeps, req: GatherRequest, application: ApplicationState): Promise<Partial<Facts>> {
  const { app } = req;
  // The window is last-known-good..what runs: after a sync that failed midway, the revision it half applied.
  const choice = chooseLastKnownGood(application.history, runningRevision(application), req.requestedId, {
    revisionHistoryLimit: application.revisionHistoryLimit,
  });
  if (!choice.ok || !deps.repo || !deps.analyzer) return {};
  const from = choice.entry.revision;
  const to = runningRevision(application);
  // The window's reads start beside the check that `from` is still in the repo, not after it (a
  // pruned one fails them too, and they are dropped unseen: issue 19).
  const resolving = deps.repo.resolve(from);
  resolving.catch(() => undefined);
  const diagnosing = deps.analyzer.diagnose(from, to);
  const diagnosedFiles = diagnosing.then((d) => d.files);
  diagnosedFiles.catch(() => undefined);
  // NOTE: the flag evidence runs beside the diagnosis, not after it (its diff of the app's folder
  // is only filtered by the files the diagnosis lists), but once `from` resolved: its reader reads
  // the config repo itself, not through the ports that wait for the plan's `git fetch`, and an
  // earlier diff could read a revision the fetch is still bringing ("unable to read <object>").
  const flagging = resolving.then(() => flagEvidenceFact(deps.flags, app, from, to, diagnosedFiles));
  const reads = Promise.all([deps.analyzer.migrations(from, to), diagnosing, templateImages(deps.templates, from), flagging]);
  reads.catch(() => undefined);
  try {
    await resolving;
  } catch (e) {
    if (e instanceof NotFoundError) return { prunedRevisions: Fact.of([from], `git rev-parse ${from}`) };
    throw e;
  }
  const [migrations, diagnosis, targetImages, flagEvidence] = await reads;
  const range = `${from.slice(0, 7)}..${to.slice(0, 7)}`;
  return {
    ...(flagEvidence ? { flagEvidence } : {}),
    migrations: Fact.of(migrations, `git diff ${range} -- ${app.migrations ?? '**/migrations/*.sql'}`),
    diagnosis: Fact.of(diagnosis, `git diff --name-status ${range}${app.repoPath ? ` -- ${app.repoPath}` : ''}`),
    ...(targetImages ? { targetImages } : {}),
  };
}

/** Every image of the Pod template at `revision`; undefined when it cannot be rendered (the plan then falls back to Step 2's). */
async function templateImages(templates: TemplateSource | undefined, revision: string): Promise<Facts['targetImages']> {
  if (!templates) return undefined;
  try {
    const t = await templates.podTemplate(revision);
    return Fact.of(t.containers.map((c) => c.image), t.source);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/** An Argo Rollout's own facts; read only for a Rollout workload. */
async function argoRolloutFact(control: ArgoRolloutsControl | undefined, w: WorkloadRef): Promise<Pick<Facts, 'rollout'>> {
  if (!control || w.kind !== 'Rollout') return {};
  const value = await control.read(w);
  return { rollout: Fact.of(value, `kubernetes GET ${w.cluster}: rollouts/${w.name} -n ${w.namespace} + replicasets, pods, analysisruns, analysistemplates`) };
}
