/**
 * The catalog canary app's folder in the config repo (`CANARY_APP` in `bookstore.ts`): an Argo
 * Rollout with the canary the issue asks for (20% → pause → analysis → 50% → pause 30s → 100%),
 * `rollbackWindow` of 3 revisions, and an AnalysisTemplate on the canary Pods' p99 (the seed's
 * catalog threshold, 0.5 s), queried on the in-cluster Prometheus address the sandbox answers for.
 */
import { stringify } from 'yaml';
import { NAMESPACE, type Service } from './bookstore.ts';
import { digestOf, repositoryOf } from './images.ts';
import { podSpec, type ServiceConfig } from './repo-files.ts';

/** The in-cluster Prometheus the world's AnalysisTemplates name; the sandbox's own Prometheus answers for it. */
export const IN_CLUSTER_PROMETHEUS = 'http://prometheus.monitoring.svc.cluster.local:9090';
/** Pods of a canary app run the service's traffic profile under their own `app` label (pod-exporters.ts). */
export const PROFILE_LABEL = 'bookstore.acme/profile';

const P99 = (service: string): string =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{cluster="us-east",service="${service}-canary",pod=~"${service}-canary-{{args.canary-hash}}-.*"}[1m])))`;

export function canaryFiles(service: Service, c: ServiceConfig): Record<string, string> {
  const name = `${service}-canary`;
  const labels = { app: name, [PROFILE_LABEL]: service };
  const spec = podSpec(service, { ...c, env: { ...c.env, REGION: 'us-east' } });
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 5,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: name } },
      rollbackWindow: { revisions: 3 },
      template: { metadata: { labels }, spec },
      strategy: {
        canary: {
          maxSurge: '25%',
          maxUnavailable: 0,
          steps: [
            { setWeight: 20 },
            { pause: {} },
            { analysis: { templates: [{ templateName: `${name}-p99` }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } },
            { setWeight: 50 },
            { pause: { duration: '30s' } },
          ],
        },
      },
    },
  };
  const template = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: `${name}-p99` },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: [
        {
          name: 'p99-latency',
          // Three scrapes (15 s apart) inside the 1m window before the first measurement.
          initialDelay: '1m',
          interval: '30s',
          count: 3,
          failureLimit: 0,
          successCondition: 'result[0] < 0.5',
          provider: { prometheus: { address: IN_CLUSTER_PROMETHEUS, query: P99(service) } },
        },
      ],
    },
  };
  const version = c.canaryVersion ?? '';
  const overlay = stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: ['../base'],
    images: [{ name: repositoryOf(service), digest: digestOf(service, version) }],
  });
  return {
    [`apps/${name}/base/rollout.yaml`]: stringify(rollout),
    [`apps/${name}/base/analysis-template.yaml`]: stringify(template),
    [`apps/${name}/base/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['rollout.yaml', 'analysis-template.yaml'],
      commonLabels: { 'app.kubernetes.io/part-of': 'bookstore-platform' },
    }),
    [`apps/${name}/us-east/kustomization.yaml`]: `# ${service} canary app in us-east (Argo Rollouts). CI pins the image by digest; the version is in the commit message.\n# image version: ${version}\n${overlay}`,
  };
}
