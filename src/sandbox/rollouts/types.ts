/**
 * The argoproj.io/v1alpha1 shapes the sandbox's Rollouts controller reads and writes: the
 * fields of `pkg/apis/rollouts/v1alpha1/types.go` and `analysis_types.go` it implements (canary
 * only; blue-green is stored but not run). Loose on purpose: clients send anything.
 */
import type { Condition, IntOrString, LabelSelector, PodTemplate, StoredObject } from '../kube/types.ts';

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope?: boolean;
}

export interface ArgumentValueFrom {
  podTemplateHashValue?: 'Stable' | 'Latest';
  fieldRef?: { fieldPath: string };
}

export interface Argument {
  name: string;
  value?: string;
  valueFrom?: ArgumentValueFrom;
}

export interface RolloutAnalysis {
  templates?: AnalysisTemplateRef[];
  args?: Argument[];
  /** Background analysis only: the step index it starts at. */
  startingStep?: number;
}

export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: IntOrString };
  analysis?: RolloutAnalysis;
  [other: string]: unknown;
}

export interface CanaryStrategy {
  steps?: CanaryStep[];
  analysis?: RolloutAnalysis;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  trafficRouting?: unknown;
}

export interface RolloutSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplate;
  workloadRef?: { apiVersion?: string; kind?: string; name?: string; scaleDown?: 'never' | 'onsuccess' | 'progressively' };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  restartAt?: string;
  rollbackWindow?: { revisions?: number };
  strategy?: { canary?: CanaryStrategy; blueGreen?: unknown };
}

export type PauseReason = 'CanaryPauseStep' | 'InconclusiveAnalysisRun' | 'BlueGreenPause';

export interface PauseCondition {
  reason: PauseReason;
  startTime: string;
}

export interface RolloutAnalysisRunStatus {
  name: string;
  status: string;
  message?: string;
}

export interface RolloutStatus {
  observedGeneration?: string;
  phase?: string;
  message?: string;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  HPAReplicas?: number;
  selector?: string;
  pauseConditions?: PauseCondition[] | null;
  controllerPause?: boolean;
  abort?: boolean;
  abortedAt?: string | null;
  promoteFull?: boolean;
  restartedAt?: string;
  workloadObservedGeneration?: string;
  collisionCount?: number;
  canary?: {
    weights?: { canary: { podTemplateHash: string; weight: number }; stable: { podTemplateHash: string; weight: number } };
    currentStepAnalysisRunStatus?: RolloutAnalysisRunStatus;
    currentBackgroundAnalysisRunStatus?: RolloutAnalysisRunStatus;
  };
  conditions?: Condition[];
}

export interface Rollout extends StoredObject {
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export interface PrometheusProvider {
  address?: string;
  query?: string;
}

export interface Metric {
  name: string;
  interval?: string;
  initialDelay?: string;
  count?: IntOrString;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: IntOrString;
  inconclusiveLimit?: IntOrString;
  consecutiveErrorLimit?: IntOrString;
  consecutiveSuccessLimit?: IntOrString;
  provider?: { prometheus?: PrometheusProvider; [other: string]: unknown };
}

export interface AnalysisTemplateSpec {
  metrics?: Metric[];
  args?: Argument[];
}

export interface AnalysisTemplate extends StoredObject {
  spec: AnalysisTemplateSpec;
}

export interface Measurement {
  phase: string;
  value?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
}

export interface MetricResult {
  name: string;
  phase: string;
  measurements?: Measurement[];
  message?: string;
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
  consecutiveError?: number;
  consecutiveSuccess?: number;
}

export interface AnalysisRunStatus {
  phase?: string;
  message?: string;
  startedAt?: string;
  metricResults?: MetricResult[];
  runSummary?: { count: number; successful: number; failed: number; inconclusive: number; error: number };
}

export interface AnalysisRun extends StoredObject {
  spec: { metrics?: Metric[]; args?: Argument[]; terminate?: boolean };
  status?: AnalysisRunStatus;
}

/** Labels and annotations upstream writes (`pkg/apis/rollouts/v1alpha1/types.go`, `utils/annotations`). */
export const ROLLOUT_HASH = 'rollouts-pod-template-hash';
export const ROLLOUT_REVISION = 'rollout.argoproj.io/revision';
export const WORKLOAD_GENERATION = 'rollout.argoproj.io/workload-generation';
export const STEP_INDEX_LABEL = 'step-index';
export const RUN_TYPE_LABEL = 'rollout-type';
