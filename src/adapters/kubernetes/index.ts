/**
 * @module Kubernetes adapter: `ClusterClient` through `@kubernetes/client-node`.
 */
export { createKubernetesClusterClient, type KubernetesClusterClientOptions } from './kubernetes-cluster-client.ts';
export { fromDeployment, fromRollout, normaliseImageID } from './kubernetes-workload.ts';
export { toLabelSelectorString, type LabelSelector } from './label-selector.ts';
export { createKubernetesRolloutControl, type KubernetesRolloutControlOptions } from './kubernetes-rollout-control.ts';
export { createKubernetesArgoRollouts, abortPatch, promotePatches, undoTemplatePatch, type KubernetesRolloutsOptions } from './rollouts-control.ts';
export { createKubernetesApplicationResource, type KubernetesApplicationResourceOptions } from './application-cr.ts';
