/** The resource types the sandbox serves, with what discovery says about each. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly ('status' | 'scale')[];
  /** Create-only resources (reviews) are answered, never stored. */
  readonly createOnly?: boolean;
  /** Stored outside the cluster's object store (Argo CD's Applications): served by a handler registered per cluster. */
  readonly external?: boolean;
}

const crud = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], categories: [], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], categories: [], subresources: [] },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', singular: 'rollout', kind: 'Rollout', namespaced: true, shortNames: ['ro'], categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysisruns', singular: 'analysisrun', kind: 'AnalysisRun', namespaced: true, shortNames: ['ar'], categories: [], subresources: ['status'] },
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysistemplates', singular: 'analysistemplate', kind: 'AnalysisTemplate', namespaced: true, shortNames: ['at'], categories: [], subresources: [] },
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'clusteranalysistemplates', singular: 'clusteranalysistemplate', kind: 'ClusterAnalysisTemplate', namespaced: false, shortNames: ['cat'], categories: [], subresources: [] },
  // Argo CD's CRD (applications.argoproj.io: no subresources, short names app/apps); its objects are
  // served from the sandbox's Argo CD app store, in the cluster Argo CD runs in only (kube/external.ts).
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', singular: 'application', kind: 'Application', namespaced: true, shortNames: ['app', 'apps'], categories: [], subresources: [], external: true },
  { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, shortNames: [], categories: [], subresources: [], createOnly: true },
];

export function verbsOf(type: ResourceType): string[] {
  return type.createOnly ? ['create'] : crud;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `deployments.apps`, `pods`: how Kubernetes names a resource in error messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function findResourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function resourceTypeByKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}

export const DEPLOYMENTS = RESOURCE_TYPES.find((t) => t.plural === 'deployments')!;
export const REPLICASETS = RESOURCE_TYPES.find((t) => t.plural === 'replicasets')!;
export const PODS = RESOURCE_TYPES.find((t) => t.plural === 'pods')!;
export const NAMESPACES = RESOURCE_TYPES.find((t) => t.plural === 'namespaces')!;
