/**
 * An Argo Rollout as rewind reads it (argoproj/argo-rollouts `pkg/apis/rollouts/v1alpha1/types.go`
 * and `analysis_types.go`): where its canary stands, which ReplicaSet is stable and which is the
 * canary (with their images), why it is paused, and what its AnalysisRuns measured. Pure data;
 * the kubernetes adapter fills it (`adapters/kubernetes/rollouts-reader.ts`).
 */
import type { HoldReading } from '../hold.ts';

export interface RolloutImage {
  readonly container: string;
  readonly image: string;
  readonly init?: boolean;
}

/** One ReplicaSet the Rollout owns, by its `rollouts-pod-template-hash`. */
export interface RolloutReplicaSet {
  readonly name: string;
  readonly hash: string;
  /** `rollout.argoproj.io/revision`; 0 when absent. */
  readonly revision: number;
  readonly replicas: number;
  readonly availableReplicas: number;
  readonly images: readonly RolloutImage[];
  /** The Pods' running digests (`containerStatuses[].imageID`, as the kubelet reports them). */
  readonly digests: readonly string[];
  /** ISO-8601 `metadata.creationTimestamp`: a ReplicaSet brought back keeps it (and gets a new revision). */
  readonly createdAt?: string;
}

/** A canary step, reduced to what the decision needs. */
export type RolloutStep =
  | { readonly kind: 'setWeight'; readonly weight: number }
  | { readonly kind: 'pause'; readonly duration?: string }
  | { readonly kind: 'analysis'; readonly templates: readonly TemplateRef[] }
  | { readonly kind: 'other'; readonly name: string };

export interface TemplateRef {
  readonly name: string;
  readonly clusterScope: boolean;
}

export interface AnalysisMetricResult {
  readonly name: string;
  readonly phase: string;
  /** The provider's kind (`prometheus`, `web`, `datadog`...). */
  readonly provider: string;
  readonly query?: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  /** The newest measurement's value as upstream stores it (`[0.61]`, `[NaN]`, `[]`). */
  readonly lastValue?: string;
  readonly message?: string;
  readonly count: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
}

export interface AnalysisRunFact {
  readonly name: string;
  readonly phase: string;
  readonly message?: string;
  /** `rollout-type: Background` vs `Step` (upstream's labels). */
  readonly type: 'background' | 'step' | 'other';
  /** The canary step index the run was created for (label `step-index`). */
  readonly stepIndex?: number;
  /** The ReplicaSet hash the run measured (label `rollouts-pod-template-hash`). */
  readonly podHash?: string;
  /** The Rollout revision it was created for (annotation `rollout.argoproj.io/revision`): a reused ReplicaSet keeps its hash across revisions. */
  readonly revision?: number;
  readonly metrics: readonly AnalysisMetricResult[];
}

/** One metric of an AnalysisTemplate, as written (durations and limits unparsed). */
export interface TemplateMetric {
  readonly name: string;
  /** The provider's kind (`prometheus`, `datadog`, `web`...). */
  readonly provider: string;
  readonly address?: string;
  readonly query?: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly interval?: string;
  readonly initialDelay?: string;
  readonly count?: number;
  readonly failureLimit?: number;
  readonly inconclusiveLimit?: number;
  readonly consecutiveErrorLimit?: number;
}

/** An AnalysisTemplate or ClusterAnalysisTemplate the Rollout names. */
export interface AnalysisTemplateFact {
  readonly name: string;
  readonly clusterScope: boolean;
  readonly args: readonly { readonly name: string; readonly value?: string }[];
  readonly metrics: readonly TemplateMetric[];
}

/** An argument the Rollout passes to its analysis: a value, a ReplicaSet hash, or a field of the Rollout. */
export interface RolloutArg {
  readonly name: string;
  readonly value?: string;
  readonly podTemplateHashValue?: 'Stable' | 'Latest';
  readonly fieldRef?: string;
}

export interface RolloutFacts {
  readonly name: string;
  readonly namespace: string;
  readonly generation: number;
  /** `spec.replicas` (default 1). */
  readonly replicas: number;
  readonly phase?: string;
  readonly message?: string;
  readonly abort: boolean;
  readonly abortedAt?: string;
  readonly specPaused: boolean;
  /** `status.pauseConditions[].reason` (`CanaryPauseStep`, `InconclusiveAnalysisRun`...). */
  readonly pauseReasons: readonly string[];
  readonly strategy: 'canary' | 'blueGreen' | 'unknown';
  readonly steps: readonly RolloutStep[];
  readonly currentStepIndex?: number;
  /** `status.canary.weights.canary.weight` when traffic routing reports it; else derived from the steps. */
  readonly canaryWeight?: number;
  readonly stableHash?: string;
  readonly currentHash?: string;
  readonly replicaSets: readonly RolloutReplicaSet[];
  readonly analysisRuns: readonly AnalysisRunFact[];
  /** `spec.strategy.canary.analysis`: background analysis templates and from which step. */
  readonly backgroundAnalysis?: { readonly templates: readonly TemplateRef[]; readonly startingStep?: number };
  /** `spec.workloadRef`: the Deployment the template lives in (undo patches it there). */
  readonly workloadRef?: { readonly kind: string; readonly name: string; readonly scaleDown?: 'never' | 'onsuccess' | 'progressively' };
  /** `spec.rollbackWindow.revisions`. */
  readonly rollbackWindow?: number;
  /** The templates the Rollout names that exist, with their metrics (rewind's verification reuses them). */
  readonly analysisTemplates?: readonly AnalysisTemplateFact[];
  /** The args the Rollout's analysis steps and background analysis pass. */
  readonly analysisArgs?: readonly RolloutArg[];
  /** Templates the Rollout names that do not exist (upstream: InvalidSpec). */
  readonly missingTemplates: readonly string[];
  /** `status.conditions[type=InvalidSpec]` message, when present. */
  readonly invalidSpec?: string;
  /** rewind's hold on the Rollout itself (`rewind.io/hold`), written when no Argo CD Application carries it. */
  readonly hold?: HoldReading;
}

/** Where the Rollout stands, as the runbook distinguishes it. */
export type RolloutSituation =
  | { readonly kind: 'canary'; readonly canary: RolloutReplicaSet; readonly stable: RolloutReplicaSet }
  | { readonly kind: 'aborted'; readonly canary: RolloutReplicaSet | undefined; readonly stable: RolloutReplicaSet }
  | { readonly kind: 'promoted'; readonly current: RolloutReplicaSet; readonly previous: RolloutReplicaSet | undefined }
  | { readonly kind: 'unknown'; readonly reason: string };

const byHash = (r: RolloutFacts, hash: string | undefined): RolloutReplicaSet | undefined => (hash ? r.replicaSets.find((s) => s.hash === hash) : undefined);

/**
 * The controller's own words: an update is in progress while `currentPodHash` differs from
 * `stableRS` (upstream `rollout/canary.go`); `status.abort` means the controller has sent traffic
 * back to stable; otherwise the current ReplicaSet is stable: fully promoted.
 */
export function situationOf(r: RolloutFacts): RolloutSituation {
  if (r.strategy === 'blueGreen') {
    // NOTE: not driven until the sandbox runs blue-green as upstream does (rollout/bluegreen.go, service.go), so the path is proven before it is offered.
    return { kind: 'unknown', reason: 'strategy blueGreen: rewind drives canary Rollouts only (its sandbox does not run blue-green\'s Service switching yet); by hand: `kubectl argo rollouts abort` while the preview is unpromoted, `kubectl argo rollouts undo` once promoted, with self-heal held first under Argo CD' };
  }
  if (r.strategy !== 'canary') return { kind: 'unknown', reason: `strategy ${r.strategy}: rewind drives canary Rollouts only` };
  const stable = byHash(r, r.stableHash);
  const current = byHash(r, r.currentHash);
  if (!stable) return { kind: 'unknown', reason: `status.stableRS ${r.stableHash ?? '(unset)'} names no ReplicaSet of the Rollout` };
  if (r.abort) return { kind: 'aborted', canary: r.currentHash === r.stableHash ? undefined : current, stable };
  if (current && current.hash !== stable.hash) return { kind: 'canary', canary: current, stable };
  const previous = [...r.replicaSets].filter((s) => s.hash !== stable.hash && s.revision < stable.revision).sort((a, b) => b.revision - a.revision)[0];
  return { kind: 'promoted', current: stable, previous };
}

/** The weight the canary has now: the routed weight, else the last setWeight at or before the current step. */
export function canaryWeightOf(r: RolloutFacts): number | undefined {
  if (r.canaryWeight !== undefined) return r.canaryWeight;
  if (r.currentStepIndex === undefined) return undefined;
  let w: number | undefined;
  for (const s of r.steps.slice(0, r.currentStepIndex + 1)) if (s.kind === 'setWeight') w = s.weight;
  return w;
}

export const imagesOf = (rs: RolloutReplicaSet): string[] => rs.images.map((i) => i.image);

/** Short lines for `status`: the phase, the step, the ReplicaSets, the analysis runs. */
export function describeRollout(r: RolloutFacts): string[] {
  const lines: string[] = [];
  const weight = canaryWeightOf(r);
  const step = r.currentStepIndex === undefined ? '' : `, step ${r.currentStepIndex}/${r.steps.length}`;
  lines.push(`${r.phase ?? '(no phase)'}${r.abort ? ' (aborted)' : ''}${step}${weight !== undefined ? `, canary weight ${weight}%` : ''}${r.message ? `: ${r.message}` : ''}`);
  if (r.pauseReasons.length > 0 || r.specPaused) lines.push(`paused: ${[...(r.specPaused ? ['spec.paused'] : []), ...r.pauseReasons].join(', ')}`);
  for (const rs of [...r.replicaSets].sort((a, b) => b.revision - a.revision)) {
    const role = rs.hash === r.stableHash ? 'stable' : rs.hash === r.currentHash ? 'canary' : 'old';
    if (role === 'old' && rs.replicas === 0) continue;
    const digests = rs.digests.map((d) => /sha256:[0-9a-f]{12}/.exec(d)?.[0] ?? d);
    lines.push(`${role} ${rs.name} (revision ${rs.revision}): ${rs.availableReplicas}/${rs.replicas} available, ${imagesOf(rs).filter((_, i) => !rs.images[i]?.init).join(', ')}${digests.length ? `; Pods run ${digests.join(', ')}` : ''}`);
  }
  for (const a of r.analysisRuns) {
    const metrics = a.metrics.map((m) => `${m.name} ${m.phase}${m.lastValue !== undefined ? ` ${m.lastValue}` : ''}`).join('; ');
    const labels = [a.type, ...(a.stepIndex !== undefined ? [`step-index ${a.stepIndex}`] : []), ...(a.revision !== undefined ? [`revision ${a.revision}`] : [])];
    lines.push(`analysis ${a.name} (${labels.join(', ')}): ${a.phase}${metrics ? ` — ${metrics}` : ''}`);
  }
  if (r.invalidSpec) lines.push(`InvalidSpec: ${r.invalidSpec}`);
  return lines;
}
