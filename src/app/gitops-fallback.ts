/**
 * Issue 13: "whichever channel answers". Argo CD's API first; when it fails for a transient
 * reason (down, reset, timed out), the Application CR through the Kubernetes API of the cluster
 * Argo CD runs in, for the calls a CR can serve (read, sync policy, pin, the hold on the app).
 * Once the API failed, the rest of the process goes to the CR directly: a run must not wait out
 * the API's retries at every step. Rollback, sync and ApplicationSet writes stay API-only.
 */
import { isRewindError, AdapterError } from '../core/errors.ts';
import type { GitOpsClient } from '../core/ports.ts';

/** Shared with the composition root: set when the plan found the API out, so every later call goes to the CR first. */
export interface ApiState {
  down?: string;
}

const transient = (e: unknown): boolean => (e instanceof AdapterError && e.transient === true) || (e instanceof Error && e.name === 'TimeoutError');

export function withCrFallback(api: GitOpsClient, crFor: (app: string) => Promise<GitOpsClient | undefined>, state: ApiState = {}): GitOpsClient {
  const either = async <T>(app: string, viaApi: () => Promise<T>, viaCr: (cr: GitOpsClient) => Promise<T>): Promise<T> => {
    if (state.down !== undefined) {
      const cr = await crFor(app);
      if (cr) return viaCr(cr);
    }
    try {
      return await viaApi();
    } catch (e) {
      if (!transient(e)) throw e;
      const cr = await crFor(app);
      if (!cr) throw e;
      state.down = isRewindError(e) ? e.message : String(e);
      return viaCr(cr);
    }
  };
  return {
    getApplication: (name, opts) => either(name, () => api.getApplication(name, opts), (cr) => cr.getApplication(name, opts)),
    setSyncPolicy: (name, policy) => either(name, () => api.setSyncPolicy(name, policy), (cr) => cr.setSyncPolicy(name, policy)),
    setTargetRevision: (name, revision) => either(name, () => api.setTargetRevision(name, revision), (cr) => cr.setTargetRevision(name, revision)),
    writeHold: (name, hold, on) => (on?.kind === 'ApplicationSet' ? api.writeHold(name, hold, on) : either(name, () => api.writeHold(name, hold, on), (cr) => cr.writeHold(name, hold, on))),
    clearHold: (name, runId, on) => (on?.kind === 'ApplicationSet' ? api.clearHold(name, runId, on) : either(name, () => api.clearHold(name, runId, on), (cr) => cr.clearHold(name, runId, on))),
    rollback: (name, id, opts) => api.rollback(name, id, opts),
    sync: (name, opts) => api.sync(name, opts),
    setApplicationsSync: (set, policy) => api.setApplicationsSync(set, policy),
    // The API's stream only wakes waits early; while the API is down they poll through the CR.
    ...(api.watchApplication ? { watchApplication: api.watchApplication.bind(api) } : {}),
  };
}
