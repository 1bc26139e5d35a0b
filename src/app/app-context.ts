/**
 * The composition root: the only place that picks concrete adapters. Commands ask it for ports;
 * everything is built lazily, so `rewind status` never opens the journal and `rewind plan` never
 * loads the migration parser unless a migration changed.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { BUILD_ID } from './build-id.ts';
import { resolveSecret } from '../config/secrets.ts';
import type { AppEntry, RewindConfig } from '../config/config-types.ts';
import type { AppConfig } from '../core/facts.ts';
import type { ArgoRolloutsControl, ChangeAnalyzer, ClusterClient, Clock, ConfigRepo, FlagEvidenceReader, GitOpsClient, ImageRegistry, JournalStore, MetricsSource, ResourceActions, RevertPublisher, RolloutControl, SchemaDatabase, DownRehearsal } from '../core/ports.ts';
import type { FlagStores, VerificationDeps } from '../executor/step-context.ts';
import { openFlagStores } from './flag-stores.ts';
import { ConfigError, NotFoundError, UsageError } from '../core/errors.ts';
import { systemClock } from './system-clock.ts';
import { withCrFallback, type ApiState } from './gitops-fallback.ts';
import type { ApplicationCrReader } from '../executor/gather-application.ts';

export interface AppContext {
  readonly config: RewindConfig;
  readonly clock: Clock;
  /** The app's entry in rewind.yaml; NotFoundError listing the known apps otherwise. */
  app(name: string): AppConfig;
  gitops(): Promise<GitOpsClient>;
  cluster(clusterName: string): Promise<ClusterClient>;
  repo(): Promise<ConfigRepo | undefined>;
  analyzer(app: AppConfig): Promise<ChangeAnalyzer | undefined>;
  journal(): Promise<JournalStore>;
  /** What Step 3c compares an app's Pods with: its Pod template in the config repo, the registries, its policy. */
  verification(app: string): Promise<VerificationDeps>;
  /** Prometheus (or a compatible store) from rewind.yaml; undefined when none is configured. */
  metrics(): Promise<MetricsSource | undefined>;
  /** `rollout undo` and the Deployment hold in one cluster (the same kubeconfig context as `cluster`). Optional so test contexts need not stub it. */
  rollouts?(clusterName: string): Promise<RolloutControl>;
  /** git revert and push in rewind's own clone of the config repo; undefined without a configRepo. */
  reverts?(): Promise<RevertPublisher | undefined>;
  /** Argo Rollouts (abort, retry, undo, read) in one cluster. Optional so test contexts need not stub it. */
  argoRollouts?(clusterName: string): Promise<ArgoRolloutsControl>;
  /** Argo CD resource actions, with the same token as `gitops`. */
  resourceActions?(): Promise<ResourceActions>;
  /** Issue 14: the app's declared flags with their providers' stores (flagd in git, Unleash). */
  /** `repo`: the config repo the flagd store reads through, instead of the context's (plan passes its own: one fetch per plan). */
  flagStores?(app: string, repo?: ConfigRepo): FlagStores;
  /** Issue 14: hunks and flag-file changes of a config repo window; undefined without a configRepo. */
  flagEvidence?(): Promise<FlagEvidenceReader | undefined>;
  /** Issue 13: Argo CD's API alone (no fallback), for the facts: an outage must be seen there, not bridged. */
  argocdApi?(): Promise<GitOpsClient>;
  /** Issue 13: the app's Application CR through the Kubernetes API of the cluster Argo CD runs in. */
  applicationCr?(app: string): Promise<ApplicationCrReader | undefined>;
  /** Issue 13: the plan found Argo CD's API out: `gitops()` goes to the CR first from now on. */
  argocdApiDown?(reason: string): void;
  /** Issue 15: the app's PostgreSQL from apps[].database (URL by reference); undefined when none is configured. */
  database?(app: string): Promise<SchemaDatabase | undefined>;
  /** Issue 15: `--dry-run`'s rehearsal of a down migration, on a throwaway database on the app's server. */
  downRehearsal?(app: string): Promise<DownRehearsal | undefined>;
  close(): Promise<void>;
}

/** What the composition root needs of the command line. */
export interface AppOptions {
  /** --config */
  readonly config: string | undefined;
  /** --context: read every app from this cluster instead of its own. */
  readonly context: string | undefined;
  /** --state-dir: where the embedded journal and leases live. */
  readonly stateDir?: string | undefined;
  /** Where config warnings (unknown keys, insecure TLS) go, one line each with file:line:col. */
  readonly warn?: (line: string) => void;
}

/**
 * The journal and leases live in the user's state directory, not beside the config file: two
 * engineers with different `--config` for the same Argo CD must see each other's runs.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg ? join(xdg, 'rewind') : join(env['HOME'] ?? homedir(), '.local', 'state', 'rewind');
}

/** One folder per Argo CD (its URL's host and path), so runs and leases are keyed by Argo CD + app. */
export function journalDir(stateDir: string, argocdUrl: string): string {
  const u = new URL(argocdUrl);
  return join(stateDir, `argocd-${`${u.host}${u.pathname}`.replace(/\/+$/, '').replace(/[^\w.-]+/g, '_')}`);
}

export async function openAppContext(global: AppOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<AppContext> {
  // The last valid rewind.yaml's answer is kept in the state directory (issue 19); rewind.yaml's
  // own `state.dir` is not known before it is read, so the flag, the environment or the default.
  /** The state directory: --state-dir, $REWIND_STATE_DIR, rewind.yaml's `state.dir`, the default. */
  const stateDirOf = (fromConfig: string | undefined): string => global.stateDir ?? (env['REWIND_STATE_DIR'] || undefined) ?? fromConfig ?? defaultStateDir(env);
  const cache = BUILD_ID === undefined ? undefined : { dir: stateDirOf(undefined), build: BUILD_ID };
  const config = await loadConfig({ flag: global.config, env, cwd, cache, onWarning: (w) => global.warn?.(`${w.where}: ${w.message}`) });
  const clock = systemClock;
  let gitops: Promise<GitOpsClient> | undefined;
  let argocdApi: Promise<GitOpsClient> | undefined;
  const apiState: ApiState = {};
  const openArgocdApi = (): Promise<GitOpsClient> => {
    argocdApi ??= (async () => {
      const { createArgoCdGitOpsClient } = await import('../adapters/argocd/index.ts');
      const token = await resolveSecret(config.argocd.token, env);
      return createArgoCdGitOpsClient({
        url: config.argocd.url,
        token,
        ...(config.argocd.caFile ? { caFile: config.argocd.caFile } : {}),
        insecure: config.argocd.insecure,
      });
    })();
    return argocdApi;
  };

  const crs = new Map<string, Promise<ApplicationCrReader>>();
  /** The CR channel of an app: `argocd.cluster`, else the app's own cluster (after --context). */
  const applicationCr = (name: string): Promise<ApplicationCrReader | undefined> => {
    const entry = config.apps.find((a) => a.name === name);
    if (!entry || entry.gitops === 'none') return Promise.resolve(undefined);
    const clusterName = config.argocd.cluster ?? global.context ?? entry.cluster;
    const cluster = config.clusters.find((k) => k.name === clusterName || k.context === clusterName);
    if (!cluster) return Promise.resolve(undefined);
    let cr = crs.get(cluster.name);
    if (!cr) {
      cr = (async () => {
        const [{ createKubernetesApplicationResource }, { createApplicationCrGitOpsClient }] = await Promise.all([import('../adapters/kubernetes/application-cr.ts'), import('../adapters/argocd/index.ts')]);
        const resource = createKubernetesApplicationResource({ context: cluster.context, namespace: config.argocd.namespace, ...(cluster.kubeconfig ? { kubeconfigPath: cluster.kubeconfig } : {}) });
        return { client: createApplicationCrGitOpsClient(resource), where: (app: string) => resource.where(app) };
      })();
      crs.set(cluster.name, cr);
    }
    return cr;
  };
  let repo: Promise<ConfigRepo | undefined> | undefined;
  let journal: Promise<JournalStore> | undefined;
  let registry: Promise<ImageRegistry> | undefined;
  let metrics: Promise<MetricsSource | undefined> | undefined;
  const clusters = new Map<string, Promise<ClusterClient>>();

  const toAppConfig = (entry: AppEntry): AppConfig => {
    const cluster = global.context ?? entry.cluster;
    return {
      name: entry.name,
      workload: { cluster, namespace: entry.namespace, kind: entry.workload.kind, name: entry.workload.name },
      ...(entry.repoPath ? { repoPath: entry.repoPath } : {}),
      ...(entry.migrations ? { migrations: entry.migrations } : {}),
      severity: entry.severity,
      ...(entry.slackChannel ? { slackChannel: entry.slackChannel } : {}),
      flags: entry.flags,
      ...(entry.verify ? { verify: entry.verify } : {}),
      ...(entry.gitops === 'none' ? { gitops: 'none' as const } : {}),
      ...(entry.revert ? { revert: entry.revert } : {}),
      ...(entry.autoSyncHold ? { autoSyncHold: entry.autoSyncHold } : {}),
      ...(entry.database ? { database: { reference: 'env' in entry.database.url ? `env ${entry.database.url.env}` : `file ${entry.database.url.file}`, downMigrations: entry.database.downMigrations } } : {}),
    };
  };

  const missingApp = (name: string): never => {
    throw new NotFoundError(`unknown app "${name}" in ${config.file}`, { hint: `known apps: ${config.apps.map((a) => a.name).join(', ') || '(none)'}` });
  };

  const getRepo = (): Promise<ConfigRepo | undefined> => {
    repo ??= (async () => {
      if (!config.configRepo) return undefined;
      const { createGitConfigRepo } = await import('../adapters/git/index.ts');
      return createGitConfigRepo({ path: config.configRepo.path });
    })();
    return repo;
  };

  return {
    config,
    clock,
    app(name) {
      const entry = config.apps.find((a) => a.name === name);
      if (!entry) {
        const known = config.apps.map((a) => a.name).join(', ') || '(none)';
        throw new NotFoundError(`unknown app "${name}" in ${config.file}`, { hint: `known apps: ${known}` });
      }
      return toAppConfig(entry);
    },
    argocdApi: openArgocdApi,
    gitops() {
      gitops ??= (async () => withCrFallback(await openArgocdApi(), async (app) => (await applicationCr(app))?.client, apiState))();
      return gitops;
    },
    applicationCr,
    argocdApiDown(reason) {
      apiState.down = reason;
    },
    cluster(name) {
      let c = clusters.get(name);
      if (!c) {
        const entry = config.clusters.find((k) => k.name === name || k.context === name);
        if (!entry) {
          throw new UsageError(`unknown cluster or context "${name}"`, {
            hint: `rewind.yaml defines: ${config.clusters.map((k) => k.name).join(', ')}`,
          });
        }
        c = (async () => {
          // NOTE: the module itself, not the adapter's index: the index also holds the Rollouts control, which loads client-node's generated API (issue 19).
          const { createKubernetesClusterClient } = await import('../adapters/kubernetes/kubernetes-cluster-client.ts');
          return createKubernetesClusterClient({
            context: entry.context,
            ...(entry.kubeconfig ? { kubeconfigPath: entry.kubeconfig } : {}),
          });
        })();
        clusters.set(name, c);
      }
      return c;
    },
    repo: getRepo,
    async analyzer(app) {
      const r = await getRepo();
      if (!r || !config.configRepo) return undefined;
      const path = config.configRepo.path;
      const [{ createGitChangeDiagnoser }, { createMigrationChecker }] = await Promise.all([
        import('../adapters/git/index.ts'),
        import('../adapters/migrations-source/index.ts'),
      ]);
      // Step 2 from the git adapter; Step 0 is the very code `rewind migrations check` runs.
      const diagnoser = createGitChangeDiagnoser({
        path,
        ...(app.repoPath ? { appPath: app.repoPath } : {}),
        ...(app.migrations ? { migrationsGlob: app.migrations } : {}),
      });
      // A full hash the config repo already resolved (its object cache and cat-file batch) is not asked of git again.
      const checker = createMigrationChecker({
        repo: path,
        ...(app.migrations ? { glob: app.migrations } : {}),
        known: (rev) => r.resolve(rev),
        // Step 0's diff is the one the diagnoser asks of the same repo object: one git process (issue 19).
        nameStatus: (from, to, pathspec) => r.changedFiles(from, to, [pathspec], { renames: false }),
      });
      return { diagnose: (from, to) => diagnoser.diagnose(from, to), migrations: (from, to) => checker.migrations(from, to) };
    },
    journal() {
      journal ??= (async () => {
        const url = config.state.databaseUrlEnv ? env[config.state.databaseUrlEnv] : env['DATABASE_URL'];
        if (url) {
          const { PostgresJournalStore } = await import('../adapters/postgres/postgres-journal-store.ts');
          return new PostgresJournalStore({ connectionString: url });
        }
        const { FileJournalStore } = await import('../executor/journal/file-journal-store.ts');
        return new FileJournalStore(journalDir(stateDirOf(config.state.dir), config.argocd.url));
      })();
      return journal;
    },
    async verification(name) {
      const entry = config.apps.find((a) => a.name === name);
      registry ??= import('../adapters/registry/index.ts').then(({ createOciRegistryClient }) =>
        createOciRegistryClient({ registries: config.registries, ...(config.dockerConfig ? { dockerConfig: config.dockerConfig } : {}), env }),
      );
      const base = { registry: await registry, allowUnresolvedTags: entry?.verify?.allowUnresolvedTags ?? false };
      if (!config.configRepo || !entry?.repoPath) return base;
      const { createGitPodTemplateSource } = await import('../adapters/git/index.ts');
      const templates = createGitPodTemplateSource({ path: config.configRepo.path, appPath: entry.repoPath, workload: entry.workload });
      return { ...base, templates };
    },
    metrics() {
      metrics ??= openMetricsSource(config, env);
      return metrics;
    },
    async rollouts(name) {
      const entry = config.clusters.find((k) => k.name === name || k.context === name);
      if (!entry) throw new UsageError(`unknown cluster or context "${name}"`, { hint: `rewind.yaml defines: ${config.clusters.map((k) => k.name).join(', ')}` });
      const { createKubernetesRolloutControl } = await import('../adapters/kubernetes/kubernetes-rollout-control.ts');
      return createKubernetesRolloutControl({ context: entry.context, ...(entry.kubeconfig ? { kubeconfigPath: entry.kubeconfig } : {}) });
    },
    async argoRollouts(name) {
      const entry = config.clusters.find((k) => k.name === name || k.context === name);
      if (!entry) throw new UsageError(`unknown cluster or context "${name}"`, { hint: `rewind.yaml defines: ${config.clusters.map((k) => k.name).join(', ')}` });
      const { createKubernetesArgoRollouts } = await import('../adapters/kubernetes/index.ts');
      return createKubernetesArgoRollouts({ context: entry.context, ...(entry.kubeconfig ? { kubeconfigPath: entry.kubeconfig } : {}) });
    },
    async resourceActions() {
      const [{ createArgoCdResourceActions }, token] = await Promise.all([import('../adapters/argocd/index.ts'), resolveSecret(config.argocd.token, env)]);
      return createArgoCdResourceActions({ url: config.argocd.url, token, ...(config.argocd.caFile ? { caFile: config.argocd.caFile } : {}), insecure: config.argocd.insecure });
    },
    async reverts() {
      const repoConfig = config.configRepo;
      if (!repoConfig) return undefined;
      const [{ createGitRevertPublisher }, token] = await Promise.all([
        import('../adapters/git/index.ts'),
        repoConfig.token ? resolveSecret(repoConfig.token, env, 'configRepo.tokenEnv') : Promise.resolve(undefined),
      ]);
      // Its clones live in rewind's state directory, never in the user's checkout.
      const stateDir = stateDirOf(config.state.dir);
      return createGitRevertPublisher({ repoPath: repoConfig.path, workRoot: join(stateDir, 'git-reverts'), ...(token ? { token } : {}), env });
    },
    flagStores(name, repo) {
      const stateDir = stateDirOf(config.state.dir);
      return openFlagStores({ config, app: toAppConfig(config.apps.find((a) => a.name === name) ?? missingApp(name)), env, stateDir, repo: repo ? () => Promise.resolve(repo) : getRepo });
    },
    async database(name) {
      const entry = config.apps.find((a) => a.name === name) ?? missingApp(name);
      if (!entry.database) return undefined;
      const [{ createSchemaDatabase }, url] = await Promise.all([import('../adapters/postgres/down-runner.ts'), resolveSecret(entry.database.url, env, `apps[${name}].database.urlFile`)]);
      return createSchemaDatabase(url, () => clock.now());
    },
    async downRehearsal(name) {
      const entry = config.apps.find((a) => a.name === name) ?? missingApp(name);
      if (!entry.database) return undefined;
      const [{ createDownRehearsal, createPgServerTarget }, url] = await Promise.all([import('../adapters/postgres-replay/index.ts'), resolveSecret(entry.database.url, env, `apps[${name}].database.urlFile`)]);
      return createDownRehearsal(() => createPgServerTarget(url));
    },
    async flagEvidence() {
      if (!config.configRepo) return undefined;
      const { createGitFlagEvidenceReader } = await import('../adapters/flags/index.ts');
      return createGitFlagEvidenceReader({ repoPath: config.configRepo.path });
    },
    async close() {
      if (journal) await (await journal).close();
    },
  };
}


/** The CA file Prometheus' certificate is checked against, read at once, as Argo CD's (argocd-gitops-client.ts `caOption`). */
function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`cannot read prometheus.caFile ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}

async function openMetricsSource(config: RewindConfig, env: NodeJS.ProcessEnv): Promise<MetricsSource | undefined> {
  const p = config.prometheus;
  if (!p) return undefined;
  const { createPrometheusMetricsSource } = await import('../adapters/prometheus/index.ts');
  const auth = !p.auth
    ? undefined
    : 'token' in p.auth
      ? { bearer: await resolveSecret(p.auth.token, env, 'prometheus.tokenFile') }
      : { basic: { username: p.auth.basic.username, password: await resolveSecret(p.auth.basic.password, env, 'prometheus.basicAuth.passwordFile') } };
  return createPrometheusMetricsSource({
    url: p.url,
    ...(auth ? { auth } : {}),
    ...(p.caFile ? { ca: readCaFile(p.caFile) } : {}),
    insecure: p.insecure,
    headers: p.headers,
    timeoutMs: p.timeoutMs,
    ...(p.alertmanagerUrl ? { alertmanagerUrl: p.alertmanagerUrl } : {}),
  });
}
