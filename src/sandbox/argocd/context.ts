/** What the Argo CD API handlers share: the app store, the controller and the clusters. */
import type { SandboxClock } from '../clock.ts';
import type { KubeClient } from '../gitops/kube-client.ts';
import type { Application } from './application.ts';
import type { AppController } from './app-controller.ts';
import type { AppStore } from './app-store.ts';
import { appNotFound } from './grpc-error.ts';
import type { ManifestSource } from './manifests.ts';

export interface ArgoContext {
  readonly store: AppStore;
  readonly controller: AppController;
  readonly manifests: ManifestSource;
  readonly clock: SandboxClock;
  kubeFor(app: Application): KubeClient;
  /** A destination cluster name Argo CD knows (`argocd cluster list`). */
  knownCluster(name: string): boolean;
}

export function mustGet(ctx: ArgoContext, name: string): Application {
  const app = ctx.store.get(name);
  if (!app) throw appNotFound(name);
  return app;
}

/** The account every sandbox token belongs to, as `initiatedBy.username` records it. */
export const SANDBOX_USER = 'admin';
