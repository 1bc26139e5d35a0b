/**
 * The one definition of rewind.yaml's written shape. The validator (shape-check.ts) walks YAML
 * nodes against it so errors carry line:col, and `toJsonSchema()` turns it into the JSON Schema
 * editors use (src/config/rewind.schema.json, snapshot-tested).
 */
export type Shape =
  | { readonly type: 'string'; readonly description?: string; readonly format?: 'uri' }
  | { readonly type: 'boolean'; readonly description?: string }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly description?: string }
  | { readonly type: 'array'; readonly items: Shape; readonly description?: string }
  | { readonly type: 'object'; readonly properties: Readonly<Record<string, Shape>>; readonly required: readonly string[]; readonly description?: string };

const str = (description: string, format?: 'uri'): Shape => (format ? { type: 'string', description, format } : { type: 'string', description });
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
    }, ['url']),
    configRepo: obj('The GitOps config repository Argo CD tracks.', {
      path: str('Local clone (or bare repo). Relative to this file.'),
      branch: str('Tracked branch (default main).'),
    }, ['path']),
    prometheus: obj('Prometheus for verification queries.', { url: str('Base URL.', 'uri') }, ['url']),
    registries: {
      type: 'array',
      description: 'Where to reach the image registries image references name (to resolve tags to digests).',
      items: obj('A registry.', {
        host: str('The registry host image references name, e.g. ghcr.io.'),
        url: str('Where its OCI distribution API answers (a mirror); default https://<host>.', 'uri'),
        caFile: str('CA bundle that signed its certificate. Relative to this file.'),
      }, ['host']),
    },
    dockerConfig: str('Docker config.json with registry credentials (auths); default $DOCKER_CONFIG/config.json or ~/.docker/config.json. Relative to this file.'),
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
        verify: obj('How Step 3c verifies the Pods.', {
          allowUnresolvedTags: { type: 'boolean', description: 'Accept a container whose tag could not be resolved to a digest (default false: not verified, exit 4).' },
        }),
        flags: {
          type: 'array',
          description: 'Feature flags that can switch off this app\'s risky changes.',
          items: obj('A flag.', {
            name: str('Flag name.'),
            covers: { type: 'array', description: 'Change kinds the flag switches off.', items: { type: 'enum', values: CHANGE_KINDS } },
          }, ['name', 'covers']),
        },
      }, ['name', 'cluster', 'namespace', 'workload']),
    },
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
