/**
 * The one definition of rewind.yaml's written shape. The validator (shape-check.ts) walks YAML
 * nodes against it so errors carry line:col, and `toJsonSchema()` turns it into the JSON Schema
 * editors use (src/config/rewind.schema.json, snapshot-tested).
 */
import { commsShape, runbooksShape } from './comms-config.ts';

export type Shape =
  | { readonly type: 'string'; readonly description?: string; readonly format?: 'uri' }
  | { readonly type: 'boolean'; readonly description?: string }
  | { readonly type: 'integer'; readonly minimum?: number; readonly description?: string }
  | { readonly type: 'map'; readonly values: Shape; readonly description?: string }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly description?: string }
  | { readonly type: 'array'; readonly items: Shape; readonly description?: string }
  | { readonly type: 'object'; readonly properties: Readonly<Record<string, Shape>>; readonly required: readonly string[]; readonly description?: string };

const str = (description: string, format?: 'uri'): Shape => (format ? { type: 'string', description, format } : { type: 'string', description });
const int = (description: string, minimum?: number): Shape => (minimum === undefined ? { type: 'integer', description } : { type: 'integer', minimum, description });
const secretPair = (what: string, envDefault = '') => ({
  [`${what}Env`]: str(`Environment variable holding the ${what}${envDefault}.`),
  [`${what}File`]: str(`File holding the ${what}, mode 0600. Relative to this file.`),
});
const obj = (description: string, properties: Record<string, Shape>, required: string[] = []): Shape => ({ type: 'object', description, properties, required });

/** Step 2's change kinds, the vocabulary a flag's `covers` uses. */
export const CHANGE_KINDS = ['image-digest', 'image-tag', 'kustomize-patch', 'helm-values', 'config-only', 'migration', 'crd', 'other'] as const;
export const SEVERITIES = ['P0', 'P1', 'P2'] as const;

export const rewindConfigSchema: Shape = obj(
  'rewind.yaml: where rewind finds the clusters, Argo CD, the config repo and the apps it may roll back.',
  {
    clusters: {
      type: 'array',
      description: 'Kubernetes clusters, each a kubeconfig context.',
      items: obj('A cluster.', {
        name: str('Name apps refer to.'),
        context: str('kubeconfig context.'),
        kubeconfig: str('kubeconfig file; default $KUBECONFIG or ~/.kube/config. Relative to this file.'),
      }, ['name', 'context']),
    },
    argocd: obj('The Argo CD API server.', {
      url: str('Base URL, e.g. https://argocd.example.com.', 'uri'),
      tokenEnv: str('Environment variable holding the bearer token (default ARGOCD_AUTH_TOKEN).'),
      tokenFile: str('File holding the bearer token, mode 0600. Relative to this file.'),
      caFile: str('CA bundle that signed the server certificate. Relative to this file.'),
      insecure: { type: 'boolean', description: 'Skip TLS verification (sandbox only).' },
      cluster: str('The cluster Argo CD runs in (a clusters[].name): its Kubernetes API serves the Application CRs rewind reads and patches when the Argo CD API is down. Default: each app\'s own cluster.'),
      namespace: str('The namespace of the Application CRs (default argocd).'),
      slowAfterSeconds: int('An Argo CD API read slower than this counts as the API being down (the undo path is planned); default: only a failed read does.', 1),
    }, ['url']),
    configRepo: obj('The GitOps config repository Argo CD tracks.', {
      path: str('Local clone (or bare repo). Relative to this file.'),
      branch: str('Tracked branch (default main).'),
      tokenEnv: str('Environment variable holding a token for pushing reverts over HTTPS (sent as an Authorization header; default: your git credential helpers).'),
    }, ['path']),
    prometheus: obj('A Prometheus-compatible API (Prometheus, Thanos, Mimir, Cortex) for verification queries and alerts.', {
      url: str('Base URL, e.g. https://prometheus.example.com or https://mimir.example.com/prometheus.', 'uri'),
      ...secretPair('token', ' (a bearer token)'),
      basicAuth: obj('HTTP basic auth instead of a bearer token.', { username: str('User name.'), ...secretPair('password') }, ['username']),
      caFile: str('CA bundle that signed the server certificate. Relative to this file.'),
      insecure: { type: 'boolean', description: 'Skip TLS verification (sandbox only).' },
      headers: { type: 'map', values: str('Header value.'), description: 'Headers sent on every request, e.g. X-Scope-OrgID for multi-tenant stores.' },
      alertmanagerUrl: str('Alertmanager base URL: alerts are read from its /api/v2/alerts instead of Prometheus.', 'uri'),
      timeout: str('Per request, e.g. 10s (default 10s).'),
      scrapeInterval: str('How often the store scrapes the services (default 15s); part of the default verification deadline.'),
    }, ['url']),
    registries: {
      type: 'array',
      description: 'Where to reach the image registries image references name (to resolve tags to digests).',
      items: obj('A registry.', {
        host: str('The registry host image references name, e.g. ghcr.io.'),
        url: str('Where its OCI distribution API answers (a mirror); default https://<host> (docker.io: https://registry-1.docker.io).', 'uri'),
        caFile: str('CA bundle that signed its certificate. Relative to this file.'),
      }, ['host']),
    },
    dockerConfig: str('Docker config.json with registry credentials (its auths only: credHelpers and credsStore are not run); default $DOCKER_CONFIG/config.json or ~/.docker/config.json. Relative to this file.'),
    apps: {
      type: 'array',
      description: 'Argo CD Applications rewind may roll back.',
      items: obj('An app.', {
        name: str('The Argo CD Application name.'),
        cluster: str('One of clusters[].name.'),
        namespace: str('Namespace of the workload.'),
        workload: obj('The workload the app deploys.', {
          kind: { type: 'enum', values: ['Deployment', 'Rollout'], description: 'Workload kind.' },
          name: str('Workload name.'),
        }, ['kind', 'name']),
        repoPath: str("The app's folder in the config repo."),
        migrations: str('Glob of migration files in the config repo (Step 0).'),
        severity: { type: 'enum', values: SEVERITIES, description: 'Incident severity for comms (default P1).' },
        slackChannel: str('Slack channel for Step 4.'),
        gitops: { type: 'enum', values: ['argocd', 'none'], description: 'Who deploys the workload: an Argo CD Application named like the app (default), or nothing (`none`: rewind undoes the Deployment through the Kubernetes API, as kubectl rollout undo).' },
        revert: { type: 'enum', values: ['push', 'review'], description: 'Step 3d done by rewind: git revert the bad commit and push it to the tracked branch (`push`), or to a rewind/revert-RUN branch for review (`review`). Unset: a person reverts (rewind waits). --no-revert overrides it.' },
        autoSyncHold: { type: 'enum', values: ['disable', 'pin'], description: 'How a rollback is made to stick until the revert lands: turn auto-sync off (`disable`, the default) or pin targetRevision to the good commit and leave auto-sync on (`pin`, the seed\'s alternative). Followed where the app\'s owner leaves that field alone.' },
        database: obj('The app\'s PostgreSQL, by reference: the down-migration steps connect to it (the URL never reaches logs, the journal or output).', {
          urlEnv: str('Environment variable holding the postgres:// URL (e.g. DATABASE_URL).'),
          urlFile: str('File holding the postgres:// URL, mode 0600. Relative to this file.'),
          downMigrations: { type: 'enum', values: ['confirm', 'auto'], description: 'A down migration needs --confirm-down-migration even with --yes (`confirm`, the default), or runs with the plan (`auto`).' },
        }),
        flags: {
          type: 'array',
          description: 'Feature flags that gate this app\'s risky changes: the decision tree\'s first branch ("Feature flag covers the change? Flip flag").',
          items: obj('A flag.', {
            key: str('The flag key, as the provider names it.'),
            provider: { type: 'enum', values: ['flagd', 'unleash'], description: 'flagd: definitions in the config repo, rendered into a ConfigMap; unleash: an Unleash server.' },
            gates: { type: 'array', description: 'What the flag gates: path globs in the config repo, and config keys as key:NAME. A change is covered when every changed hunk is confined to them.', items: str('A path glob, or key:NAME.') },
            flagd: obj('flagd flag definitions in the config repo.', {
              file: str('The flag-definition JSON file, relative to the config repo root.'),
              configMap: str('The ConfigMap the file is rendered into (configMapGenerator), in the app\'s namespace.'),
              configMapKey: str('Its key in the ConfigMap (default: the file\'s base name).'),
            }, ['file', 'configMap']),
            unleash: obj('An Unleash server.', {
              url: str('Unleash base URL.', 'uri'),
              project: str('Project (default: default).'),
              environment: str('The environment the app runs in.'),
              adminTokenEnv: str('Environment variable holding an admin API token.'),
              clientTokenEnv: str('Environment variable holding a client API token for the environment.'),
            }, ['url', 'environment', 'adminTokenEnv', 'clientTokenEnv']),
          }, ['key', 'provider']),
        },
        verify: obj('Proof of recovery, modelled on Argo Rollouts\' AnalysisTemplate. Without metrics, the seed\'s alert for the service (catalog, payments, orders) is used.', {
          metrics: {
            type: 'array',
            description: 'Each a PromQL query and a condition over `result` (the query\'s vector as a list of numbers, or its scalar).',
            items: obj('A metric, as in an AnalysisTemplate.', {
              name: str('Metric name.'),
              query: str('PromQL; checked with the official parser at load.'),
              successCondition: str('e.g. result[0] < 0.5; without failureCondition, a measurement fails when this is false.'),
              failureCondition: str('e.g. result[0] >= 0.5; without successCondition, a measurement succeeds when this is false.'),
              interval: str('Time between measurements, e.g. 30s (default 30s).'),
              count: int('Measurements to take; with count, upstream\'s counting semantics apply (limits default 0).', 0),
              initialDelay: str('Wait before the first measurement, e.g. 1m.'),
              failureLimit: int('Failed measurements allowed (default -1: failures while recovering do not end the run; the deadline does).', -1),
              inconclusiveLimit: int('Inconclusive measurements allowed (default -1, as failureLimit).', -1),
              consecutiveErrorLimit: int('Query errors in a row allowed (default 4).', 0),
              consecutiveSuccessLimit: int('Successes in a row that prove recovery (default 3).', 0),
            }, ['name', 'query']),
          },
          deadline: str('How long recovery may take, e.g. 10m (default: the longest query window + 2 scrape intervals + the rollout).'),
          requireMetrics: { type: 'boolean', description: 'A rollback whose recovery no metric checked exits 4 instead of 0.' },
          allowUnresolvedTags: { type: 'boolean', description: 'Accept Pods whose image has no digest to compare (default false: "could not check").' },
        }),
      }, ['name', 'cluster', 'namespace', 'workload']),
    },
    comms: commsShape,
    runbooks: runbooksShape,
    state: obj('Where the journal lives.', {
      dir: str('Embedded store folder, relative to this file (default: $REWIND_STATE_DIR, else $XDG_STATE_HOME/rewind, else ~/.local/state/rewind; keyed inside by the Argo CD URL).'),
      databaseUrlEnv: str('Environment variable holding a Postgres URL; when set, the journal lives there.'),
    }),
  },
  ['argocd', 'apps'],
);

type Json = { readonly [k: string]: unknown };

/**
 * The JSON Schema (draft 2020-12) of a shape.
 *
 * ### Examples
 * ```ts
 * toJsonSchema({ type: 'enum', values: ['P0', 'P1'] }); // { enum: ['P0', 'P1'] }
 * ```
 */
export function toJsonSchema(shape: Shape = rewindConfigSchema, root = true): Json {
  const head: Json = root ? { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'rewind.yaml' } : {};
  const desc = shape.description ? { description: shape.description } : {};
  switch (shape.type) {
    case 'string':
      return { ...head, type: 'string', ...desc, ...(shape.format ? { format: shape.format } : {}) };
    case 'boolean':
      return { ...head, type: 'boolean', ...desc };
    case 'integer':
      return { ...head, type: 'integer', ...desc, ...(shape.minimum !== undefined ? { minimum: shape.minimum } : {}) };
    case 'map':
      return { ...head, type: 'object', ...desc, additionalProperties: toJsonSchema(shape.values, false) };
    case 'enum':
      return { ...head, ...desc, enum: [...shape.values] };
    case 'array':
      return { ...head, type: 'array', ...desc, items: toJsonSchema(shape.items, false) };
    case 'object':
      return {
        ...head,
        type: 'object',
        ...desc,
        properties: Object.fromEntries(Object.entries(shape.properties).map(([k, v]) => [k, toJsonSchema(v, false)])),
        ...(shape.required.length ? { required: [...shape.required] } : {}),
        additionalProperties: false,
      };
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${JSON.stringify(never)}`);
    }
  }
}
