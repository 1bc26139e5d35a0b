/**
 * The config repo's files for a given state of the world: a Kustomize base per service and
 * an overlay per region that pins the image by digest, plus the service's SQL migrations.
 */
import { stringify } from 'yaml';
import { NAMESPACE, REGIONS, SERVICES, TAG_PINNED_SERVICE, type Region, type Service } from './bookstore.ts';
import { digestOf, INIT, repositoryOf, SIDECAR } from './images.ts';
import { canaryFiles } from './canary-files.ts';
import { FLAGS_FILE, FLAGS_VOLUME, FLAGS_VOLUME_MOUNT, flagdFile, GENERATOR_YAML } from '../flags/flag-files.ts';

/** Services whose Pods read feature flags from a flagd file in the config repo (issue 14). */
const FLAGGED: ReadonlySet<Service> = new Set(['catalog']);

export interface ServiceConfig {
  readonly versions: Readonly<Record<Region, string>>;
  readonly memoryLimit: string;
  readonly env: Readonly<Record<string, string>>;
  readonly regionEnv: Readonly<Record<Region, Readonly<Record<string, string>>>>;
  /** File name -> SQL. */
  readonly migrations: Readonly<Record<string, string>>;
  /** The version the canary app (`canary-files.ts`, catalog only) ships; absent: no canary app yet. */
  readonly canaryVersion?: string;
}

export type WorldConfig = Readonly<Record<Service, ServiceConfig>>;

const PORTS: Readonly<Record<Service, number>> = { catalog: 8080, orders: 8081, payments: 8082 };

/** Rendered YAML by its inputs: the bench world replays thousands of events that each change one file. */
const rendered = new Map<string, string>();

function cached(key: unknown[], render: () => string): string {
  const k = JSON.stringify(key);
  let text = rendered.get(k);
  if (text === undefined) {
    if (rendered.size >= 10_000) rendered.clear();
    text = render();
    rendered.set(k, text);
  }
  return text;
}

/** The platform's standard Pod spec for a service (also the canary app's, `canary-files.ts`). */
export function podSpec(service: Service, c: ServiceConfig): Record<string, unknown> {
  return {
    // The platform's standard Pod: a DB wait and a log shipper, the same in every revision.
    initContainers: [
      {
        name: INIT.name,
        image: `${repositoryOf(INIT.repo)}@${digestOf(INIT.repo, INIT.version)}`,
        args: [`--dsn-env=${service.toUpperCase()}_DB_URL`, '--timeout=60s'],
      },
    ],
    containers: [
      {
        name: service,
        image: repositoryOf(service),
        ports: [{ name: 'http', containerPort: PORTS[service] }],
        env: Object.entries(c.env).map(([name, value]) => ({ name, value })),
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: c.memoryLimit } },
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      },
      {
        name: SIDECAR.name,
        image: `${repositoryOf(SIDECAR.repo)}@${digestOf(SIDECAR.repo, SIDECAR.version)}`,
        args: ['--input=/var/log/app', '--output=loki'],
        resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      },
    ],
  };
}

function deployment(service: Service, c: ServiceConfig): string {
  const pod = podSpec(service, c);
  if (FLAGGED.has(service)) {
    const [main, ...rest] = pod['containers'] as Record<string, unknown>[];
    pod['containers'] = [{ ...main, volumeMounts: [FLAGS_VOLUME_MOUNT] }, ...rest];
    pod['volumes'] = [FLAGS_VOLUME];
  }
  const doc = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service, labels: { app: service } },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: service } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: { metadata: { labels: { app: service } }, spec: pod },
    },
  };
  return stringify(doc);
}

/** Services whose schema migrations run as an Argo CD PreSync hook Job before each sync (not on a rollback). */
const MIGRATION_HOOK_SERVICES: ReadonlySet<Service> = new Set(['orders']);

function migrationJob(service: Service): string {
  return stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${service}-db-migrate`,
      annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    },
    spec: {
      backoffLimit: 1,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'migrate', image: repositoryOf(service), args: ['migrate', 'up', `--dir=/migrations/${service}`] }],
        },
      },
    },
  });
}

function baseKustomization(withHook = false): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: withHook ? ['deployment.yaml', 'migrate-job.yaml'] : ['deployment.yaml'],
    commonLabels: { 'app.kubernetes.io/part-of': 'bookstore-platform' },
  });
}

function overlay(service: Service, region: Region, version: string): string {
  const byTag = service === TAG_PINNED_SERVICE;
  const body = stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: ['../base'],
    patches: [{ path: 'region-patch.yaml' }],
    images: [byTag ? { name: repositoryOf(service), newTag: version } : { name: repositoryOf(service), digest: digestOf(service, version) }],
  });
  const how = byTag ? 'This team pins the image by tag (the registry resolves it at pull time)' : 'CI pins the image by digest';
  return `# ${service} in ${region}. ${how}; the version is in the commit message.\n# image version: ${version}\n${body}${FLAGGED.has(service) ? GENERATOR_YAML : ''}`;
}

function regionPatch(service: Service, region: Region, env: Readonly<Record<string, string>>): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service },
    spec: {
      template: {
        spec: {
          containers: [{ name: service, env: Object.entries({ REGION: region, ...env }).map(([name, value]) => ({ name, value })) }],
        },
      },
    },
  });
}

export const README = `# bookstore-platform-config

GitOps config for the Bookstore Platform (acme-books tenant). Argo CD tracks \`main\`.

- \`apps/<service>/base\`: the Deployment, shared by all regions.
- \`apps/<service>/<region>\`: the region overlay; CI pins the image by digest in \`images:\`.
- \`apps/<service>/migrations\`: forward-only SQL migrations, applied by the service at start.

Rollbacks: see the runbook \`code-rollback-argocd.md\`. Revert the bad commit here before re-enabling auto-sync.
`;

/** Every file of the repo for `world`, by path. */
export function repoFiles(world: WorldConfig): Record<string, string> {
  const files: Record<string, string> = { 'README.md': README };
  for (const service of SERVICES) {
    const c = world[service];
    files[`apps/${service}/base/deployment.yaml`] = cached(['deployment', service, c.memoryLimit, c.env], () => deployment(service, c));
    const hook = MIGRATION_HOOK_SERVICES.has(service);
    files[`apps/${service}/base/kustomization.yaml`] = cached(['base', hook], () => baseKustomization(hook));
    if (hook) files[`apps/${service}/base/migrate-job.yaml`] = cached(['job', service], () => migrationJob(service));
    for (const region of REGIONS) {
      const env = c.regionEnv[region];
      files[`apps/${service}/${region}/kustomization.yaml`] = cached(['overlay', service, region, c.versions[region]], () => overlay(service, region, c.versions[region]));
      files[`apps/${service}/${region}/region-patch.yaml`] = cached(['patch', service, region, env], () => regionPatch(service, region, env));
      if (FLAGGED.has(service)) files[`apps/${service}/${region}/${FLAGS_FILE}`] = cached(['flags'], () => flagdFile());
    }
    for (const [name, sql] of Object.entries(c.migrations)) files[`apps/${service}/migrations/${name}`] = sql;
    if (c.canaryVersion) Object.assign(files, JSON.parse(cached(['canary', service, c.canaryVersion, c.env, c.memoryLimit], () => JSON.stringify(canaryFiles(service, c)))) as Record<string, string>);
  }
  return files;
}

/** The files that differ between two states, with `null` for removed ones. */
export function changedFiles(before: Record<string, string>, after: Record<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [p, text] of Object.entries(after)) if (before[p] !== text) out[p] = text;
  for (const p of Object.keys(before)) if (!(p in after)) out[p] = null;
  return out;
}
