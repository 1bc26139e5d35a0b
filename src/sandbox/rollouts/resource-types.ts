/** The argoproj.io resource types the Rollouts controller reads and writes, from the API server's table. */
import { findResourceType, type ResourceType } from '../kube/resources.ts';

const mustFind = (plural: string): ResourceType => {
  const type = findResourceType('argoproj.io', 'v1alpha1', plural);
  if (!type) throw new Error(`the sandbox API server does not serve ${plural}.argoproj.io`);
  return type;
};

export const ROLLOUTS = mustFind('rollouts');
export const ANALYSIS_RUNS = mustFind('analysisruns');
export const ANALYSIS_TEMPLATES = mustFind('analysistemplates');
export const CLUSTER_ANALYSIS_TEMPLATES = mustFind('clusteranalysistemplates');
