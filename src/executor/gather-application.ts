/**
 * Issue 13: the Application, from Argo CD's API when it answers (in time), else from its CR
 * through the Kubernetes API of the cluster Argo CD runs in. Either way the facts say which, and
 * an API outage is a fact (`argocdApi`) rather than a failed plan: the decision tree needs it to
 * choose the undo path, or to refuse saying what to do.
 */
import type { ApplicationState } from '../core/domain.ts';
import { AdapterError, isRewindError, NotFoundError } from '../core/errors.ts';
import { Fact, type ArgoCdApiOutage, type Facts } from '../core/facts.ts';
import type { GitOpsClient } from '../core/ports.ts';

/** The CR channel as gathering needs it. */
export interface ApplicationCrReader {
  readonly client: GitOpsClient;
  where(name: string): string;
}

export type ApplicationRead = { readonly application: ApplicationState } & Pick<Facts, 'argocdApi'> & { readonly source: string };

/** Transient failures and the slow deadline are outages; anything else (401, unknown app) is the plan's failure as before. */
function outageOf(e: unknown, deadline: AbortSignal | undefined, slowMs: number | undefined): Pick<ArgoCdApiOutage, 'state' | 'reason'> | undefined {
  if (deadline?.aborted && slowMs !== undefined) return { state: 'slow', reason: `no answer within ${slowMs / 1000} s (argocd.slowAfterSeconds)` };
  if (e instanceof AdapterError && e.transient) return { state: 'unreachable', reason: e.message };
  return undefined;
}

/**
 * Reads the Application. Resolves without `application` only when the API is out and the CR could
 * not be read either (`argocdApi.cr.readable` false).
 */
export async function readApplication(
  gitops: GitOpsClient,
  /** A promise when the reader's module may still be loading: only an outage waits for it (issue 19). */
  crReader: ApplicationCrReader | Promise<ApplicationCrReader | undefined> | undefined,
  name: string,
  apiSource: string,
  slowMs: number | undefined,
  /** Aborted when `slowMs` has passed (injected by tests); a timer of `slowMs` otherwise. */
  slowSignal?: AbortSignal,
): Promise<Partial<ApplicationRead> & Pick<Facts, 'argocdApi'>> {
  const deadline = slowMs === undefined ? undefined : (slowSignal ?? AbortSignal.timeout(slowMs));
  let outage: Pick<ArgoCdApiOutage, 'state' | 'reason'> | undefined;
  try {
    return { application: await gitops.getApplication(name, { refresh: true, ...(deadline ? { signal: deadline } : {}) }), source: apiSource };
  } catch (e) {
    outage = outageOf(e, deadline, slowMs);
    if (!outage) throw e;
  }
  const fact = (value: ArgoCdApiOutage): Pick<Facts, 'argocdApi'> => ({ argocdApi: Fact.of(value, apiSource) });
  const cr = await crReader;
  if (!cr) return fact({ ...outage, cr: { readable: false, reason: 'rewind has no Kubernetes access to the cluster Argo CD runs in (rewind.yaml argocd.cluster)' } });
  try {
    const application = await cr.client.getApplication(name);
    return { application, source: cr.where(name), ...fact({ ...outage, cr: { readable: true, where: cr.where(name) } }) };
  } catch (e) {
    if (!isRewindError(e) && !(e instanceof NotFoundError)) throw e;
    return fact({ ...outage, cr: { readable: false, reason: e.message } });
  }
}
