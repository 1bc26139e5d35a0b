/**
 * The embedded world, started in one call: a TLS CA, the Kubernetes-compatible API (two
 * clusters), the Bookstore config repo (real git), the Argo CD-compatible API with its
 * controllers, and the files a client needs. Everything is served on 127.0.0.1 and reached
 * over HTTPS only.
 *
 * ### Examples
 * ```ts
 * const sandbox = await startSandbox({ dir: '.rewind/sandbox', speed: 20 });
 * sandbox.files.kubeconfig;  // .rewind/sandbox/kubeconfig (contexts us-east, eu-west)
 * sandbox.urls.argocd;       // https://127.0.0.1:N+1
 * await sandbox.close();
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSandboxClock, type SandboxClock } from './clock.ts';
import { generateSandboxTls } from './tls.ts';
import { startKubeApi, type ImageHealthFn } from './kube/index.ts';
import { assertGitAvailable, git } from './gitops/git.ts';
import { configRepoURL, createConfigRepo } from './gitops/config-repo.ts';
import { createKubeClient, type KubeClient } from './gitops/kube-client.ts';
import { createAppStore } from './argocd/app-store.ts';
import { applicationsApi, ARGOCD_NAMESPACE, IN_CLUSTER, inClusterClient } from './argocd/in-cluster.ts';
import { ApiOutage } from './argocd/api-outage.ts';
import { parentFiles } from './world/app-definitions.ts';
import { startAppSetController } from './argocd/appset-controller.ts';
import { createAppSetStore } from './argocd/appset.ts';
import { startAppController } from './argocd/app-controller.ts';
import { REACHED_LOG, startReachedLog } from './reached-log.ts';
import { createManifestSource } from './argocd/manifests.ts';
import { startArgoCdApi } from './argocd/server.ts';
import { appSetRoutes } from './argocd/routes-appsets.ts';
import { Rbac, rbacRoutes } from './argocd/rbac.ts';
import { REGIONS } from './world/bookstore.ts';
import { buildWorldHistory } from './world/timeline.ts';
import { seedWorld } from './world/seed.ts';
import { ciRoutes } from './world/ci-routes.ts';
import { createSandboxPostgres, type SandboxPostgres } from './postgres/embedded.ts';
import { faultRoutes } from './world/fault-routes.ts';
import { repoRoutes } from './gitops/repo-routes.ts';
import { seedUnmanaged } from './world/unmanaged.ts';
import { seedUnmanagedRollout } from './world/unmanaged-rollout.ts';
import { seedGitOpsIndexer } from './world/gitops-indexer.ts';
import { writeClientFiles, type ClientFiles } from './world/client-files.ts';
import { warpable } from './world/warp-clock.ts';
import { IN_CLUSTER_PROMETHEUS } from './world/canary-files.ts';
import { createWorldImages } from './world/world-images.ts';
import { createImageStore } from './registry/image-store.ts';
import { startRegistry } from './registry/server.ts';
import { removeState, statePath, writeState, type SandboxState } from './state.ts';
import { checkBase, findFreeBase, PortInUseError } from './ports.ts';
import { startMetrics, type SandboxMetrics } from './metrics/index.ts';
import { PodFlags } from './flags/pod-flags.ts';
import { errorText } from './error-text.ts';

export { PortInUseError } from './ports.ts';
export type { SandboxState } from './state.ts';
export { readState, isAlive, statePath } from './state.ts';
export { IMAGE_REGISTRY, BAD_VERSIONS, imageByDigest, digestOf, type ImageBuild } from './world/images.ts';
export { WORLD_APPS, NAMESPACE, findWorldApp, type WorldApp } from './world/bookstore.ts';
export { SCENARIOS, findScenario, type ScenarioInfo } from './world/scenarios.ts';

/** The cluster Argo CD runs in: its Kubernetes API serves the `argocd` namespace's Applications. */
export const ARGOCD_HOME = 'us-east';

/** Sandbox time seeding may skip forward; the clock starts this far back, so "now" stays now. */
const SEED_WARP_MS = 120_000;

export interface SandboxOptions {
  /** Where the files go; default `.rewind/sandbox` under the current directory. */
  readonly dir?: string;
  /** Base port N (Kubernetes N, Argo CD N+1, Prometheus N+2, registry N+3); 0 or absent picks free ports. */
  readonly port?: number;
  /** Sandbox seconds per real second; default 1. */
  readonly speed?: number;
  /** How the kubelets run images (later scenarios crash-loop bad digests); default all healthy. */
  readonly imageHealth?: ImageHealthFn;
  /** Controller and request diagnostics, one line each. */
  readonly log?: (line: string) => void;
  /** Written into state.json for the detached CLI. */
  readonly logFile?: string;
  /** How a free base is found when `port` is not given (ports.ts `findFreeBase`; a test's own to force a taken range). */
  readonly findBase?: () => Promise<number>;
  /** Bench world: `bookstore-catalog-us-east` gets this many history entries (with `benchCommits`). */
  readonly benchHistory?: number;
  /** Bench world: the config repo gets this many commits (a long past before the default two weeks). */
  readonly benchCommits?: number;
  /** Metrics: scrape and alert-evaluation interval in sandbox ms; default 15 s. */
  readonly scrapeIntervalMs?: number;
  /** Speed 1 only: once seeded, sandbox time is set to the wall clock, so a real Prometheus scraping the Pods sees the same times. */
  readonly wallClock?: boolean;
}

export interface Sandbox {
  readonly dir: string;
  readonly speed: number;
  readonly clock: SandboxClock;
  readonly ports: { readonly kube: number; readonly argocd: number; readonly prometheus: number; readonly registry: number };
  readonly urls: { readonly clusters: Readonly<Record<string, string>>; readonly argocd: string; readonly prometheus: string; readonly registry: string };
  readonly files: ClientFiles & { readonly state: string; readonly prometheusConfig: string };
  readonly tokens: { readonly kube: string; readonly argocd: string; readonly prometheus: string };
  /** The registry's pull credentials (also in the docker config.json beside the kubeconfig). */
  readonly registryCredentials: { readonly username: string; readonly password: string };
  readonly caPem: string;
  readonly configRepo: { readonly path: string; readonly workClone: string; readonly branch: string };
  readonly startupMs: number;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // NOTE: a free range is free when probed, not when bound: two sandboxes starting at once (the
  // test suites do) can pick overlapping ranges. Without --port, the loser starts again on another
  // range; a start that fails closes all it opened, and the config repo is made afresh.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSandboxOnce(options);
    } catch (e) {
      if (options.port || !(e instanceof PortInUseError) || attempt >= 3) throw e;
      (options.log ?? (() => {}))(`port ${e.port} was taken after it was probed: starting again on another range`);
    }
  }
}

async function startSandboxOnce(options: SandboxOptions): Promise<Sandbox> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  await assertGitAvailable();
  const dir = resolve(options.dir ?? '.rewind/sandbox');
  await mkdir(dir, { recursive: true });
  const speed = options.speed ?? 1;
  if (options.wallClock && speed !== 1) throw new RangeError(`a wall-clock sandbox runs at speed 1, not ${speed}`);
  // Starts a few minutes back: seeding fast-forwards it while the past rollouts finish.
  const clock = warpable(createSandboxClock({ speed, start: new Date(Date.now() - SEED_WARP_MS) }));
  const base = options.port ? options.port : await (options.findBase ?? findFreeBase)();
  if (options.port) await checkBase(options.port);

  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch((e: unknown) => log(`close: ${String(e)}`));
  };
  try {
    const tls = generateSandboxTls();
    const tokens = { kube: randomBytes(24).toString('hex'), argocd: randomBytes(24).toString('hex'), prometheus: randomBytes(24).toString('hex') };
    const registryCredentials = { username: 'rewind-ci-reader', password: randomBytes(18).toString('hex') };
    const images = createWorldImages(createImageStore());
    const bench = options.benchHistory || options.benchCommits ? { history: options.benchHistory ?? 0, commits: options.benchCommits ?? 0 } : undefined;
    const history = buildWorldHistory(clock.now(), bench);
    // The app-of-apps folder names the repo it lives in, so it is part of the first commit.
    const [first, ...rest] = history.commits;
    const commits = first ? [{ ...first, files: { ...first.files, ...parentFiles(configRepoURL(dir)) } }, ...rest] : [];
    const repo = await createConfigRepo({ dir, history: commits });
    cleanups.push(() => repo.close());

    // Argo Rollouts' analysis queries the sandbox's Prometheus, which starts after the clusters.
    const engine: { metrics?: SandboxMetrics } = {};
    const prometheusUrl = `https://127.0.0.1:${base + 2}`;
    const kube = await startKubeApi({
      port: base,
      tls,
      token: tokens.kube,
      clusters: REGIONS,
      clock,
      metricQuery: (query, address) => {
        // The world's AnalysisTemplates name the in-cluster address; the sandbox's Prometheus answers for it.
        if (address !== undefined && ![prometheusUrl, IN_CLUSTER_PROMETHEUS].includes(address.replace(/\/+$/, ''))) return { error: `the rewind sandbox reaches only its own Prometheus (${prometheusUrl}), not ${address}` };
        return engine.metrics ? engine.metrics.query(query) : { error: `Post "${prometheusUrl}/api/v1/query": dial tcp: connection refused` };
      },
      // NOTE: an explicit imageHealth (tests) wins over the world's registry-backed runtime.
      ...(options.imageHealth ? { imageHealth: options.imageHealth } : { images: images.runtime }),
      onError: (e) => log(`kube: ${errorText(e)}`),
    }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new PortInUseError(base) : e;
    });
    cleanups.push(() => kube.close());
    const clients = new Map<string, KubeClient>(REGIONS.map((r) => [r, createKubeClient({ baseUrl: kube.urlFor(r), token: tokens.kube, ca: tls.caCert })]));
    cleanups.push(() => clients.forEach((c) => c.close()));
    const kubeForCluster = (name: string): KubeClient => {
      const c = clients.get(name) ?? [...clients.entries()].find(([r]) => kube.urlFor(r) === name)?.[1];
      if (!c) throw new Error(`cluster "${name}" is not known to the sandbox's Argo CD`);
      return c;
    };
    const apps = createAppStore();
    const inCluster = inClusterClient(apps, () => clock.now());
    const kubeFor = (app: { spec: { destination: { name?: string; server?: string } } }): KubeClient => {
      const dest = app.spec.destination.name ?? app.spec.destination.server ?? '';
      return dest === IN_CLUSTER || dest === 'https://kubernetes.default.svc' ? inCluster : kubeForCluster(dest);
    };
    // Argo CD runs in us-east: its kube API serves the Applications (kubectl -n argocd get applications).
    kube.serveExternal(ARGOCD_HOME, 'applications', applicationsApi(apps, () => clock.now()));
    await kubeForCluster(ARGOCD_HOME).request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } });
    const knownCluster = (name: string): boolean => name === IN_CLUSTER || (REGIONS as readonly string[]).includes(name);

    const appSets = createAppSetStore();
    const manifests = createManifestSource(repo);
    const liveVersion = (app: { spec: { destination: { name?: string; server?: string } } }): number | undefined => {
      const dest = app.spec.destination.name ?? app.spec.destination.server ?? '';
      const region = REGIONS.find((r) => r === dest || kube.urlFor(r) === dest);
      return region === undefined ? undefined : kube.store(region).resourceVersion;
    };
    const controller = startAppController({ store: apps, manifests, clock, kubeFor, liveVersion, log });
    cleanups.push(() => controller.close());
    await seedWorld({
      apps,
      appSets,
      controller,
      manifests,
      repoURL: repo.repoURL,
      shas: repo.seeded,
      history,
      createdAt: new Date(clock.now().getTime() - 30 * 24 * 3600_000),
      kubeFor: kubeForCluster,
      settle: () => kube.tick(),
      warp: (ms) => clock.advance(ms),
    });
    await seedUnmanaged({ kube: kubeForCluster('us-east'), settle: () => kube.tick(), warp: (ms) => clock.advance(ms) });
    await seedUnmanagedRollout({ kube: kubeForCluster('us-east'), settle: () => kube.tick(), warp: (ms) => clock.advance(ms) });
    await seedGitOpsIndexer({ repo, apps, clock, pushed: () => manifests.forgetBranches() });
    // From here on (the seeded past is not what anyone waits for): when each state was reached.
    await rm(join(dir, REACHED_LOG), { force: true });
    const reached = startReachedLog(join(dir, REACHED_LOG), apps);
    const unsubscribes = REGIONS.map((r) => kube.subscribe(r, (o, deleted) => reached.workload(r, o, deleted)));
    cleanups.push(async () => {
      reached.stop();
      unsubscribes.forEach((off) => off());
      await reached.flush();
    });
    if (options.wallClock) {
      // Seeding warped time forward from a start a few minutes back; close the rest of the gap.
      const behind = Date.now() - clock.now().getTime();
      if (behind < 0) throw new Error(`seeding ran the sandbox clock ${-behind} ms past the wall clock`);
      clock.advance(behind);
    }
    controller.start();
    // Ready means every app has been compared once: no `Unknown` sync status for clients.
    await Promise.all(apps.list().map((a) => controller.refresh(a.metadata.name)));
    // The fault routes are built before the metrics API starts; they reach it through this.
    const metricsRef: { current?: SandboxMetrics } = {};
    const postgresRef: { current?: SandboxPostgres } = {};
    const appSetController = startAppSetController({ apps, sets: appSets, clock, log });
    cleanups.push(() => appSetController.close());

    const rbac = new Rbac();
    const apiOutage = new ApiOutage();
    const argocd = await startArgoCdApi({
      port: base + 1,
      rbac,
      outage: apiOutage,
      tls,
      token: tokens.argocd,
      context: { store: apps, controller, manifests, clock, kubeFor, knownCluster },
      extraRoutes: [...appSetRoutes(appSets, apps), ...rbacRoutes(rbac), ...ciRoutes({ repo, apps, clock, images, kubeFor: kubeForCluster, pushed: () => manifests.forgetBranches(), postgres: () => postgresRef.current }), ...faultRoutes({ repo, log, changed: () => manifests.forgetBranches(), flushCache: () => manifests.flush(), metrics: () => metricsRef.current, api: apiOutage }), ...repoRoutes({ repo, clock, pushed: () => manifests.forgetBranches() })],
      log,
    }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new PortInUseError(base + 1) : e;
    });
    cleanups.push(() => argocd.close());

    const registry = await startRegistry({ port: base + 3, tls: { cert: tls.cert, key: tls.key }, store: images.store, ...registryCredentials, log }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new PortInUseError(base + 3) : e;
    });
    cleanups.push(() => registry.close());

    const podFlags = new PodFlags((c) => kube.store(c));
    const metrics = await startMetrics({
      dir,
      port: base + 2,
      tls: { cert: tls.cert, key: tls.key },
      token: tokens.prometheus,
      clock,
      clusters: REGIONS,
      view: (c) => kube.store(c),
      ...(options.scrapeIntervalMs ? { intervalMs: options.scrapeIntervalMs } : {}),
      behaviourOf: (digest) => images.behaviourOf(digest),
      slowByFlag: (c, pod, at) => podFlags.slowFeatureOn(c, pod, at),
      log,
    }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new PortInUseError(base + 2) : e;
    });
    metricsRef.current = metrics;
    cleanups.push(() => metrics.close());
    engine.metrics = metrics;
    await metrics.tick();

    // Issue 15: a real wire PostgreSQL, started on the first scenario that migrates a database.
    const postgres = await createSandboxPostgres(log);
    cleanups.push(() => postgres.close());
    postgresRef.current = postgres;
    const urls = { clusters: Object.fromEntries(REGIONS.map((r) => [r, kube.urlFor(r)])), argocd: argocd.url, prometheus: metrics.url, registry: registry.url };
    // The operator's own clone, as rewind.yaml points at in production: when the git host is down
    // (`sandbox fault git-down`) fetching fails but what was fetched before stays readable.
    const opsClone = join(dir, 'ops-config-repo');
    await rm(opsClone, { recursive: true, force: true });
    await git(['clone', '--quiet', '--branch', repo.branch, repo.bareDir, opsClone], { cwd: dir });
    const files = await writeClientFiles({
      dir,
      caPem: tls.caCert,
      kubeToken: tokens.kube,
      argocdToken: tokens.argocd,
      clusterUrl: (r) => kube.urlFor(r),
      argocdUrl: argocd.url,
      prometheusUrl: metrics.url,
      prometheusToken: tokens.prometheus,
      prometheusScrapeIntervalMs: metrics.intervalMs,
      configRepoPath: opsClone,
      branch: repo.branch,
      registryUrl: registry.url,
      registryCredentials,
      databaseUrl: (app) => postgres.urlFor(app),
    });
    const configRepo = { path: repo.bareDir, workClone: repo.workDir, branch: repo.branch };
    const startupMs = Math.round(performance.now() - t0);
    const state: SandboxState = {
      version: 1,
      pid: process.pid,
      ready: true,
      startedAt: new Date().toISOString(),
      speed,
      dir,
      ports: { kube: kube.port, argocd: argocd.port, prometheus: metrics.port, registry: registry.port },
      urls,
      files: { ...files, prometheusConfig: metrics.files.config, ...(options.logFile ? { log: options.logFile } : {}) },
      configRepo,
      startupMs,
    };
    await writeState(dir, state);
    cleanups.unshift(() => removeState(dir, process.pid));
    return {
      dir,
      speed,
      clock,
      ports: { kube: kube.port, argocd: argocd.port, prometheus: metrics.port, registry: registry.port },
      urls,
      files: { ...files, state: statePath(dir), prometheusConfig: metrics.files.config },
      tokens,
      registryCredentials,
      caPem: tls.caCert,
      configRepo,
      startupMs,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
