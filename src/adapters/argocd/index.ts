/**
 * @module Argo CD adapter: `GitOpsClient` over the Argo CD REST API.
 */
export { createArgoCdGitOpsClient, type ArgoCdGitOpsClientOptions } from './argocd-gitops-client.ts';
export { toApplicationState, toSyncPolicy, DEFAULT_REVISION_HISTORY_LIMIT } from './argocd-application.ts';
export type { ArgoCdTransport, TransportRequest, TransportResponse } from './argocd-transport.ts';
export { createArgoCdResourceActions, resourceActionRequest, type ResourceActionsOptions } from './resource-actions.ts';
export { createApplicationCrGitOpsClient } from './application-cr-client.ts';
