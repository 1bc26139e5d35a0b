/**
 * The Rollout's side of analysis: followed from argoproj/argo-rollouts `rollout/analysis.go`
 * (`reconcileAnalysisRuns`: the current step's run and the background run, created from their
 * templates with the Rollout's args, named `<rollout>-<hash>-<revision>[-<step>]` with `.1`, `.2`
 * on a collision (`CreateWithCollisionCounter`); an Error or Failed run aborts the Rollout, an
 * Inconclusive one pauses it; every other run of the Rollout is terminated), `needsNewAnalysisRun`,
 * `utils/analysis/factory.go` (labels, `BuildArgumentsForRolloutAnalysisRun`,
 * `NewAnalysisRunFromTemplates`) and `rollout/controller.go` (a missing template is InvalidSpec,
 * with upstream's message).
 */
import { isCompleted, type AnalysisPhase } from '../../core/analysis/analysis.ts';
import { controllerReference, isControlledBy } from '../kube/owners.ts';
import type { ClusterRegistry } from '../kube/registry.ts';
import type { ReplicaSet } from '../kube/types.ts';
import { InvalidSpec, type PassState } from './pass-state.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES } from './resource-types.ts';
import { hashOf } from './rollout-replicasets.ts';
import {
  ROLLOUT_HASH,
  ROLLOUT_REVISION,
  RUN_TYPE_LABEL,
  STEP_INDEX_LABEL,
  type AnalysisRun,
  type AnalysisTemplate,
  type AnalysisTemplateRef,
  type Argument,
  type CanaryStep,
  type PauseReason,
  type Rollout,
  type RolloutAnalysis,
  type RolloutAnalysisRunStatus,
  type RolloutStatus,
} from './types.ts';

export interface AnalysisInput {
  readonly prev: RolloutStatus;
  readonly status: RolloutStatus;
  readonly pass: PassState;
  readonly newRS: ReplicaSet;
  readonly stableRS: ReplicaSet | undefined;
  readonly steps: readonly CanaryStep[];
  readonly fullyPromoted: boolean;
  readonly fastRollback: boolean;
  readonly aborted: boolean;
}

function refsOf(ro: Rollout): { analysis: RolloutAnalysis; path: string }[] {
  const canary = ro.spec.strategy?.canary;
  const out: { analysis: RolloutAnalysis; path: string }[] = [];
  if (canary?.analysis?.templates?.length) out.push({ analysis: canary.analysis, path: 'spec.strategy.canary.analysis.templates' });
  (canary?.steps ?? []).forEach((s, i) => {
    if (s.analysis?.templates?.length) out.push({ analysis: s.analysis, path: `spec.strategy.canary.steps[${i}].analysis.templates` });
  });
  return out;
}

/** The template a Rollout names: namespaced, or cluster-wide with `clusterScope`. */
function templateOf(registry: ClusterRegistry, ns: string | undefined, ref: AnalysisTemplateRef): AnalysisTemplate | undefined {
  return (ref.clusterScope ? registry.store.get(CLUSTER_ANALYSIS_TEMPLATES, undefined, ref.templateName) : registry.store.get(ANALYSIS_TEMPLATES, ns, ref.templateName)) as AnalysisTemplate | undefined;
}

/** `getReferencedAnalysisTemplatesFromRef`: a missing template makes the spec invalid. */
export function validateTemplates(registry: ClusterRegistry, ro: Rollout): void {
  for (const { analysis, path } of refsOf(ro)) {
    for (const ref of analysis.templates ?? []) {
      if (!templateOf(registry, ro.metadata.namespace, ref)) {
        const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
        throw new InvalidSpec(`The Rollout "${ro.metadata.name}" is invalid: ${path}: Invalid value: "${ref.templateName}": ${kind} '${ref.templateName}' not found`);
      }
    }
  }
}

/** `reconcileAnalysisRuns`: the step's run and the background run, or cancel them. */
export function reconcileAnalysisRuns(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput): void {
  const ns = ro.metadata.namespace;
  const owned = registry.store.list(ANALYSIS_RUNS, ns, (r) => isControlledBy(r, ro)) as AnalysisRun[];
  const byName = (s: RolloutAnalysisRunStatus | undefined): AnalysisRun | undefined => (s ? owned.find((r) => r.metadata.name === s.name) : undefined);
  let stepRun = byName(a.prev.canary?.currentStepAnalysisRunStatus);
  let backgroundRun = byName(a.prev.canary?.currentBackgroundAnalysisRunStatus);
  const initialDeploy = !a.prev.stableRS;
  const cancelAll = a.fullyPromoted || a.aborted || a.prev.promoteFull === true || a.fastRollback || initialDeploy;
  if (cancelAll) {
    stepRun = undefined;
    backgroundRun = undefined;
  } else {
    stepRun = reconcileStepRun(registry, ro, a, stepRun, owned);
    backgroundRun = reconcileBackgroundRun(registry, ro, a, backgroundRun, owned);
  }
  const keep = new Set([stepRun?.metadata.name, backgroundRun?.metadata.name]);
  for (const run of owned) if (!keep.has(run.metadata.name)) terminate(registry, run);
  const canary = { ...a.status.canary };
  delete canary.currentStepAnalysisRunStatus;
  delete canary.currentBackgroundAnalysisRunStatus;
  const ref = (r: AnalysisRun): RolloutAnalysisRunStatus => ({ name: r.metadata.name, status: r.status?.phase ?? '', ...(r.status?.message ? { message: r.status.message } : {}) });
  if (stepRun) canary.currentStepAnalysisRunStatus = ref(stepRun);
  if (backgroundRun) canary.currentBackgroundAnalysisRunStatus = ref(backgroundRun);
  a.status.canary = canary;
}

function judge(a: AnalysisInput, run: AnalysisRun, kind: string): void {
  const phase = run.status?.phase;
  if (phase === 'Inconclusive') a.pass.addPause.push('InconclusiveAnalysisRun');
  else if (phase === 'Error' || phase === 'Failed') a.pass.addAbort = `${kind} analysis phase error/failed${run.status?.message ? `: ${run.status.message}` : ''}`;
}

/** `needsNewAnalysisRun`. */
function needsNew(run: AnalysisRun | undefined, prev: RolloutStatus): boolean {
  if (!run) return true;
  const paused = (r: PauseReason): boolean => (prev.pauseConditions ?? []).some((c) => c.reason === r);
  if (prev.controllerPause && !paused('CanaryPauseStep') && !paused('BlueGreenPause')) return run.status?.phase === 'Inconclusive';
  return !!prev.abortedAt;
}

function reconcileStepRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, current: AnalysisRun | undefined, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const index = a.status.currentStepIndex ?? 0;
  const step = a.steps[index];
  if ((a.prev.pauseConditions ?? []).length > 0 || a.prev.abort) return current;
  const fromPreviousStep = step?.analysis && current && current.metadata.labels?.[STEP_INDEX_LABEL] !== String(index);
  if (!step?.analysis?.templates?.length || fromPreviousStep) return undefined;
  if (needsNew(current, a.prev)) {
    return createRun(registry, ro, a, step.analysis, String(index), { [ROLLOUT_HASH]: hashOf(a.newRS), [RUN_TYPE_LABEL]: 'Step', [STEP_INDEX_LABEL]: String(index) }, owned);
  }
  judge(a, current!, 'Step-based');
  return current;
}

function reconcileBackgroundRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, current: AnalysisRun | undefined, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const analysis = ro.spec.strategy?.canary?.analysis;
  if (!analysis?.templates?.length) return undefined;
  const starting = analysis.startingStep;
  if (a.fullyPromoted || !a.prev.stableRS || (starting !== undefined && (a.status.currentStepIndex ?? 0) < starting)) return undefined;
  if ((a.prev.pauseConditions ?? []).some((c) => c.reason === 'InconclusiveAnalysisRun')) return current;
  if (needsNew(current, a.prev)) {
    return createRun(registry, ro, a, analysis, '', { [ROLLOUT_HASH]: hashOf(a.newRS), [RUN_TYPE_LABEL]: 'Background' }, owned);
  }
  judge(a, current!, 'Background');
  return current;
}

/** `BuildArgumentsForRolloutAnalysisRun`: pod template hashes and metadata field refs. */
function rolloutArgs(ro: Rollout, args: readonly Argument[], newRS: ReplicaSet, stableRS: ReplicaSet | undefined): Argument[] {
  return args.map((arg) => {
    let value = arg.value;
    const from = arg.valueFrom;
    if (from?.podTemplateHashValue === 'Latest') value = hashOf(newRS);
    else if (from?.podTemplateHashValue === 'Stable') value = hashOf(stableRS);
    else if (from?.fieldRef) {
      const path = from.fieldRef.fieldPath;
      const m = /^metadata\.(name|namespace|labels\['([^']+)'\]|annotations\['([^']+)'\])$/.exec(path);
      if (m?.[1] === 'name') value = ro.metadata.name;
      else if (m?.[1] === 'namespace') value = ro.metadata.namespace ?? '';
      else if (m?.[2]) value = ro.metadata.labels?.[m[2]] ?? '';
      else if (m?.[3]) value = ro.metadata.annotations?.[m[3]] ?? '';
    }
    return { name: arg.name, ...(value !== undefined ? { value } : {}) };
  });
}

/** `NewAnalysisRunFromTemplates`: the templates' metrics, their args overridden by the Rollout's. */
function createRun(registry: ClusterRegistry, ro: Rollout, a: AnalysisInput, analysis: RolloutAnalysis, infix: string, labels: Record<string, string>, owned: readonly AnalysisRun[]): AnalysisRun | undefined {
  const ns = ro.metadata.namespace;
  const metrics = [];
  const args: Argument[] = [];
  for (const ref of analysis.templates ?? []) {
    const t = templateOf(registry, ns, ref);
    if (!t) return undefined;
    metrics.push(...(t.spec.metrics ?? []));
    for (const arg of t.spec.args ?? []) if (!args.some((x) => x.name === arg.name)) args.push(arg);
  }
  for (const given of rolloutArgs(ro, analysis.args ?? [], a.newRS, a.stableRS)) {
    const i = args.findIndex((x) => x.name === given.name);
    if (i >= 0) args[i] = given;
    else args.push(given);
  }
  const revision = ro.metadata.annotations?.[ROLLOUT_REVISION] ?? '';
  const base = [ro.metadata.name, hashOf(a.newRS), revision, ...(infix ? [infix] : [])].join('-');
  // CreateWithCollisionCounter: a retry after an abort gets `<name>.1`, `<name>.2` ...
  let name = base;
  for (let n = 1; owned.some((r) => r.metadata.name === name) || registry.store.get(ANALYSIS_RUNS, ns, name); n++) name = `${base}.${n}`;
  return registry.create(ANALYSIS_RUNS, ns, {
    metadata: {
      name,
      namespace: ns,
      labels: { ...labels, ...ro.spec.selector?.matchLabels },
      annotations: { [ROLLOUT_REVISION]: revision },
      ownerReferences: [controllerReference(ro)],
    },
    spec: { metrics, args },
  }) as AnalysisRun;
}

/** `cancelAnalysisRuns`: `{"spec":{"terminate":true}}` on a run that has not completed. */
function terminate(registry: ClusterRegistry, run: AnalysisRun): void {
  if (run.spec.terminate || isCompleted((run.status?.phase ?? 'Pending') as AnalysisPhase)) return;
  registry.update(ANALYSIS_RUNS, run.metadata.namespace, run.metadata.name, { ...run, spec: { ...run.spec, terminate: true } });
}

