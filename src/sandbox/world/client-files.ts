/**
 * The files a client needs to reach the sandbox: a kubeconfig (contexts `us-east` and
 * `eu-west`, the CA inline, a bearer token), the Argo CD token (mode 0600), the CA, a Docker
 * `config.json` with the registry's pull credentials (mode 0600, `auths` keyed by registry host
 * as `docker login` writes it), and a rewind.yaml in the shape of `src/config/config-types.ts`,
 * with paths relative to itself.
 */
import { writeFile, chmod, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { NAMESPACE, REGIONS, WORLD_APPS, workloadOf } from './bookstore.ts';
import { REGISTRY_HOST } from './images.ts';
import { UNMANAGED_APP } from './unmanaged.ts';
import { UNMANAGED_ROLLOUT_APP } from './unmanaged-rollout.ts';
import { GITOPS_ROLLOUT_APP } from './gitops-indexer.ts';
import { FLAGS_CONFIGMAP, FLAGS_FILE, SLOW_FEATURE } from '../flags/flag-files.ts';

export interface ClientFiles {
  readonly kubeconfig: string;
  readonly argocdToken: string;
  readonly ca: string;
  readonly rewindYaml: string;
  readonly dockerConfig: string;
  readonly prometheusToken?: string;
}

export interface ClientFileInputs {
  readonly dir: string;
  readonly caPem: string;
  readonly kubeToken: string;
  readonly argocdToken: string;
  readonly clusterUrl: (region: string) => string;
  readonly argocdUrl: string;
  /** The sandbox's Prometheus-compatible API and its bearer token. */
  readonly prometheusUrl?: string;
  readonly prometheusToken?: string;
  /** The sandbox's scrape interval (sandbox ms): part of rewind's default verification deadline. */
  readonly prometheusScrapeIntervalMs?: number;
  readonly configRepoPath: string;
  readonly branch: string;
  readonly registryUrl: string;
  readonly registryCredentials: { readonly username: string; readonly password: string };
  /** Issue 15: an app's database URL (the sandbox's Postgres); written to db/<app>.url (0600), which rewind.yaml names. */
  readonly databaseUrl?: (app: string) => string;
}

export function kubeconfigYaml(i: ClientFileInputs): string {
  const caData = Buffer.from(i.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': REGIONS[0],
    clusters: REGIONS.map((r) => ({ name: r, cluster: { server: i.clusterUrl(r), 'certificate-authority-data': caData } })),
    users: [{ name: 'rewind-sandbox', user: { token: i.kubeToken } }],
    contexts: REGIONS.map((r) => ({ name: r, context: { cluster: r, user: 'rewind-sandbox', namespace: NAMESPACE } })),
  });
}

/** `~/.docker/config.json` as `docker login` leaves it: base64 `user:password` per registry host. */
function dockerConfigJson(i: ClientFileInputs): string {
  const auth = Buffer.from(`${i.registryCredentials.username}:${i.registryCredentials.password}`).toString('base64');
  const host = new URL(i.registryUrl).host;
  return `${JSON.stringify({ auths: { [REGISTRY_HOST]: { auth }, [host]: { auth } } }, null, 2)}\n`;
}

export function rewindYaml(i: ClientFileInputs, files: { kubeconfig: string; argocdToken: string; ca: string; dockerConfig: string; prometheusToken?: string }): string {
  const rel = (p: string): string => `./${relative(i.dir, p)}`;
  const doc = {
    clusters: REGIONS.map((r) => ({ name: r, context: r, kubeconfig: rel(files.kubeconfig) })),
    // Argo CD runs in us-east: its Application CRs are there (the channel left when its API is down).
    argocd: { url: i.argocdUrl, tokenFile: rel(files.argocdToken), caFile: rel(files.ca), cluster: 'us-east' },
    configRepo: { path: rel(i.configRepoPath), branch: i.branch },
    // The world's images name ghcr.io; the sandbox serves that registry on loopback (a mirror).
    registries: [{ host: REGISTRY_HOST, url: i.registryUrl, caFile: rel(files.ca) }],
    dockerConfig: rel(files.dockerConfig),
    ...(i.prometheusUrl
      ? {
          prometheus: {
            url: i.prometheusUrl,
            ...(files.prometheusToken ? { tokenFile: rel(files.prometheusToken) } : {}),
            caFile: rel(files.ca),
            ...(i.prometheusScrapeIntervalMs ? { scrapeInterval: `${Math.round(i.prometheusScrapeIntervalMs / 1000)}s` } : {}),
          },
        }
      : {}),
    apps: [...WORLD_APPS.map((a) => ({
      name: a.name,
      cluster: a.region,
      namespace: NAMESPACE,
      workload: workloadOf(a),
      repoPath: a.path,
      migrations: a.migrations,
      severity: a.severity,
      slackChannel: a.slackChannel,
      ...flagsOf(a),
      ...(i.databaseUrl ? { database: { urlFile: `./db/${a.name}.url` } } : {}),
    })),
    // The search team's Deployment: no Argo CD Application, so rewind undoes it as kubectl would.
    { name: UNMANAGED_APP.name, cluster: UNMANAGED_APP.region, namespace: NAMESPACE, workload: { kind: 'Deployment', name: UNMANAGED_APP.service }, gitops: 'none', severity: 'P2' },
    // The search indexer's Rollout (workloadRef to its Deployment), applied with kubectl: no Argo CD either.
    { name: UNMANAGED_ROLLOUT_APP.name, cluster: UNMANAGED_ROLLOUT_APP.region, namespace: NAMESPACE, workload: { kind: 'Rollout', name: UNMANAGED_ROLLOUT_APP.workload }, gitops: 'none', severity: 'P2' },
    // The same indexer in eu-west, deployed by Argo CD from git (Deployment and Rollout both there).
    { name: GITOPS_ROLLOUT_APP.name, cluster: GITOPS_ROLLOUT_APP.region, namespace: NAMESPACE, workload: { kind: 'Rollout', name: GITOPS_ROLLOUT_APP.workload }, repoPath: GITOPS_ROLLOUT_APP.path, severity: 'P2' }],
  };
  return `# Written by \`rewind sandbox up\`: the sandbox's clusters, Argo CD and config repo.\n${stringify(doc)}`;
}

/** Issue 14: the catalog's region apps declare the flagd flag their Pods evaluate (sandbox/flags/). */
function flagsOf(a: (typeof WORLD_APPS)[number]): { flags?: unknown[] } {
  if (a.service !== 'catalog' || a.workload || a.path !== `apps/catalog/${a.region}`) return {};
  return { flags: [{ key: SLOW_FEATURE, provider: 'flagd', gates: ['key:SEARCH_BACKEND'], flagd: { file: `${a.path}/${FLAGS_FILE}`, configMap: FLAGS_CONFIGMAP } }] };
}

export async function writeClientFiles(i: ClientFileInputs): Promise<ClientFiles> {
  const files = {
    kubeconfig: join(i.dir, 'kubeconfig'),
    argocdToken: join(i.dir, 'argocd-token'),
    ca: join(i.dir, 'ca.crt'),
    rewindYaml: join(i.dir, 'rewind.yaml'),
    dockerConfig: join(i.dir, 'docker-config.json'),
  };
  await writeFile(files.dockerConfig, dockerConfigJson(i), { mode: 0o600 });
  await chmod(files.dockerConfig, 0o600);
  await writeFile(files.kubeconfig, kubeconfigYaml(i), { mode: 0o600 });
  await writeFile(files.argocdToken, i.argocdToken, { mode: 0o600 });
  await chmod(files.argocdToken, 0o600);
  await writeFile(files.ca, i.caPem);
  if (i.databaseUrl) {
    await mkdir(join(i.dir, 'db'), { recursive: true, mode: 0o700 });
    for (const a of WORLD_APPS) {
      const file = join(i.dir, 'db', `${a.name}.url`);
      await writeFile(file, `${i.databaseUrl(a.name)}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
    }
  }
  if (i.prometheusToken === undefined) {
    await writeFile(files.rewindYaml, rewindYaml(i, files));
    return files;
  }
  const prometheusToken = join(i.dir, 'prometheus-token');
  await writeFile(prometheusToken, i.prometheusToken, { mode: 0o600 });
  await chmod(prometheusToken, 0o600);
  await writeFile(files.rewindYaml, rewindYaml(i, { ...files, prometheusToken }));
  return { ...files, prometheusToken };
}
