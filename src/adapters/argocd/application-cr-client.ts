/**
 * `GitOpsClient` over Argo CD's Application CR (`ApplicationResource`: the Kubernetes API of the
 * cluster Argo CD runs in), for when Argo CD's API server is down. The application controller
 * watches the CRs, so a patch here is seen as an edit through the API would be (argo-cd
 * `controller/appcontroller.go`: the informer on applications.argoproj.io; `server/application/
 * application.go` is only another writer of the same objects).
 *
 * What the API adds and the CR does not: no validation, no refresh (`?refresh=` is an API
 * feature; the controller re-reads on its own schedule), no rollback or sync (those are
 * operations the API server builds and checks), and no owner details (ApplicationSets are read
 * through the API). Those calls fail with a non-transient AdapterError saying so.
 */
import type { ApplicationState, SyncPolicy } from '../../core/domain.ts';
import { AdapterError } from '../../core/errors.ts';
import type { ApplicationResource, GitOpsClient } from '../../core/ports.ts';
import { toApplicationState } from './argocd-application.ts';
import { clearHold, writeHold, type HoldIO } from './argocd-hold.ts';

const apiOnly = (what: string): never => {
  throw new AdapterError('argocd', what, `${what} needs Argo CD's API server (the Application CR alone cannot ${what}): wait until the API answers, then run the command again`);
};

export function createApplicationCrGitOpsClient(resource: ApplicationResource): GitOpsClient {
  const io: HoldIO = {
    getRaw: (name) => resource.get(name),
    jsonPatch: (name, _operation, ops) => resource.patch(name, 'json', ops),
  };
  return {
    async getApplication(name, opts = {}): Promise<ApplicationState> {
      const app = toApplicationState(await resource.get(name, opts.signal ? { signal: opts.signal } : {}));
      // The owner's rules are read through Argo CD's API: unknown here, and said so.
      return app.owner ? Object.freeze({ ...app, owner: Object.freeze({ ...app.owner, unreadable: `read from the Application CR while Argo CD's API is down (${resource.where(name)})` }) }) : app;
    },
    /** A merge patch of `spec.syncPolicy.automated` (null removes the block), as `kubectl patch --type merge` sends it. */
    async setSyncPolicy(name, policy: SyncPolicy): Promise<void> {
      await resource.patch(name, 'merge', { spec: { syncPolicy: { automated: policy.automated } } });
    },
    async setTargetRevision(name, revision): Promise<void> {
      await resource.patch(name, 'merge', { spec: { source: { targetRevision: revision } } });
    },
    writeHold: (name, hold, on) => (on?.kind === 'ApplicationSet' ? apiOnly(`hold ApplicationSet ${on.name}`) : writeHold(io, name, hold)),
    clearHold: (name, runId, on) => (on?.kind === 'ApplicationSet' ? apiOnly(`release ApplicationSet ${on.name}`) : clearHold(io, name, runId)),
    rollback: (name) => Promise.resolve(apiOnly(`roll back ${name}`)),
    sync: (name) => Promise.resolve(apiOnly(`sync ${name}`)),
    setApplicationsSync: (set) => Promise.resolve(apiOnly(`set applicationsSync of ApplicationSet ${set}`)),
  };
}
