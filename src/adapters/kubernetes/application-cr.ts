/**
 * `ApplicationResource` through direct REST over client-node's `KubeConfig` (kube-rest.ts), the
 * paths CustomObjectsApi uses: Argo CD's
 * Applications (`argoproj.io/v1alpha1`, plural `applications`, in the namespace Argo CD watches,
 * `argocd` by default) read and patched through the Kubernetes API of the cluster Argo CD runs in,
 * as `kubectl -n argocd get|patch application APP --type merge|json` does. The CRD has no status
 * subresource (argo-cd `manifests/crds/application-crd.yaml`), so one resource path serves all.
 *
 * ### Examples
 * ```ts
 * const crs = createKubernetesApplicationResource({ context: 'us-east', namespace: 'argocd', kubeconfigPath: '.rewind/sandbox/kubeconfig' });
 * await crs.patch('bookstore-catalog-us-east', 'merge', { spec: { syncPolicy: { automated: { enabled: false } } } });
 * ```
 */
import { NotFoundError } from '../../core/errors.ts';
import type { ApplicationResource } from '../../core/ports.ts';
import { apiPath, kubeRest, loadKubeConfig, restCall, type KubeConfig } from './kube-rest.ts';

export interface KubernetesApplicationResourceOptions {
  readonly context: string;
  /** The namespace Argo CD's Applications live in (default argocd). */
  readonly namespace?: string;
  readonly kubeconfigPath?: string;
  readonly kubeConfig?: KubeConfig;
  readonly timeoutMs?: number;
}

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'applications';

export function createKubernetesApplicationResource(options: KubernetesApplicationResourceOptions): ApplicationResource {
  const kc = options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath);
  const rest = kubeRest(kc, options.context);
  const namespace = options.namespace ?? 'argocd';
  const call = restCall({ server: rest.server, context: options.context, timeoutMs: options.timeoutMs ?? 15_000 });
  const path = (name: string) => apiPath(`/apis/${GROUP}/${VERSION}`, namespace, PLURAL, name);
  const missing = (name: string) => () =>
    new NotFoundError(`the cluster ${options.context} has no Application ${namespace}/${name}`, { hint: `\`kubectl --context ${options.context} -n ${namespace} get applications\`; rewind.yaml argocd.cluster and argocd.namespace say where Argo CD keeps them` });

  return {
    where: (name) => `kubernetes GET ${options.context}: applications.argoproj.io/${name} -n ${namespace}`,
    get: (name, opts = {}) =>
      call(`get application ${namespace}/${name} (CR)`, missing(name), (s) => rest.get(path(name), s), opts.signal),
    patch: (name, type, body) =>
      call(
        `patch application ${namespace}/${name} (CR, ${type} patch)`,
        missing(name),
        (s) => rest.patch(path(name), type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json', body, s),
      ),
  };
}
