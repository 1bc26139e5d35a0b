/**
 * Argo Rollouts in the sandbox: the Rollout and AnalysisRun controllers one cluster runs on
 * each controller tick, Argo CD's health and resource actions for Rollouts, and the pieces the
 * world and the API servers hook in.
 */
import type { ClusterRegistry } from '../kube/registry.ts';
import { syncAnalysisRuns, type MetricQuery } from './analysis-runs.ts';
import { syncRollouts } from './rollout-controller.ts';

export type { MetricQuery } from './analysis-runs.ts';

/** One pass of both controllers; the AnalysisRuns first, so a Rollout sees this tick's measurements. */
export function syncArgoRollouts(registry: ClusterRegistry, query: MetricQuery): void {
  syncAnalysisRuns(registry, query);
  syncRollouts(registry);
}
