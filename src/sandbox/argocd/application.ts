/**
 * Argo CD `v1alpha1.Application` as the sandbox stores and serves it (shapes from the
 * upstream swagger). Only the fields rewind and the `argocd` CLI read are modelled.
 */
import type { ResourceIgnoreDifferences } from './ignore-differences.ts';

export interface ApplicationSource {
  repoURL: string;
  path: string;
  targetRevision: string;
}

export interface SyncPolicyAutomated {
  prune?: boolean;
  selfHeal?: boolean;
  allowEmpty?: boolean;
  /** Since Argo CD v3.1: the block can stay while auto-sync is off. Absent means enabled. */
  enabled?: boolean;
}

export interface ApplicationSpec {
  project: string;
  source: ApplicationSource;
  destination: { name?: string; server?: string; namespace: string };
  syncPolicy?: { automated?: SyncPolicyAutomated; syncOptions?: string[] };
  revisionHistoryLimit?: number;
  /** Fields Argo CD leaves out of the comparison (`ignore-differences.ts`). */
  ignoreDifferences?: ResourceIgnoreDifferences[];
}

export interface OperationInitiator {
  username?: string;
  automated?: boolean;
}

export interface RevisionHistory {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt?: string;
  source: ApplicationSource;
  initiatedBy: OperationInitiator;
}

/** A resource a partial sync is limited to (self-heal syncs only the OutOfSync ones). */
export interface SyncOperationResource {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface SyncOperation {
  revision: string;
  prune?: boolean;
  dryRun?: boolean;
  source?: ApplicationSource;
  syncStrategy?: { apply?: { force?: boolean }; hook?: { force?: boolean } };
  syncOptions?: string[];
  resources?: SyncOperationResource[];
  /** Since v2.14: how many self-heal syncs in a row, for the back-off. */
  selfHealAttemptsCount?: number;
}

export interface Operation {
  sync: SyncOperation;
  initiatedBy: OperationInitiator;
  /** `limit` retries of a failed sync (negative: forever); auto-sync asks for 5. */
  retry?: { limit?: number };
}

export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'SyncFailed' | 'Pruned';
  message: string;
  hookPhase: string;
  hookType?: 'PreSync' | 'Sync' | 'PostSync';
  syncPhase: 'PreSync' | 'Sync' | 'PostSync';
}

export interface OperationState {
  operation: Operation;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
  message: string;
  startedAt: string;
  finishedAt?: string;
  /** Failed attempts retried so far; a Running state with `finishedAt` waits for its next retry. */
  retryCount?: number;
  syncResult?: { revision: string; source: ApplicationSource; resources: ResourceResult[] };
}

export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'OutOfSync' | 'Unknown';
  health?: { status: string; message?: string };
}

export interface ApplicationStatus {
  sync: { status: 'Synced' | 'OutOfSync' | 'Unknown'; revision?: string; comparedTo?: { source: ApplicationSource; destination: ApplicationSpec['destination'] } };
  health: { status: string; message?: string; lastTransitionTime?: string };
  history?: RevisionHistory[];
  operationState?: OperationState;
  summary: { images?: string[] };
  resources?: ResourceStatus[];
  reconciledAt?: string;
  observedAt?: string;
  /** Upstream's `ApplicationCondition`s; the sandbox writes `ComparisonError` when manifests cannot be generated. */
  conditions?: { type: string; message: string; lastTransitionTime: string }[];
  sourceType: 'Kustomize';
  controllerNamespace: 'argocd';
}

export interface Application {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
    finalizers?: string[];
  };
  spec: ApplicationSpec;
  status: ApplicationStatus;
  operation?: Operation;
}

export const DEFAULT_HISTORY_LIMIT = 10;

/** Argo CD's `IsAutomatedSyncEnabled`: the block is set and not switched off. */
export function isAutoSyncEnabled(spec: ApplicationSpec): boolean {
  const a = spec.syncPolicy?.automated;
  return a !== undefined && a !== null && a.enabled !== false;
}

/** `status.history` after appending `entry`, keeping the newest `limit` entries. */
export function appendHistory(history: readonly RevisionHistory[], entry: Omit<RevisionHistory, 'id'>, limit: number): RevisionHistory[] {
  const last = history[history.length - 1];
  const next = [...history, { id: (last?.id ?? -1) + 1, ...entry }];
  return next.slice(Math.max(0, next.length - Math.max(1, limit)));
}
