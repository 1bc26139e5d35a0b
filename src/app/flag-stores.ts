/**
 * Issue 14's composition: each declared flag of an app with the store of its provider. flagd
 * flags live in the config repo (commits go to `configRepo.branch`, read back from the app's
 * ConfigMap in its cluster); Unleash flags on their server, tokens by reference (env).
 */
import { join } from 'node:path';
import type { RewindConfig } from '../config/config-types.ts';
import { resolveSecret } from '../config/secrets.ts';
import { ConfigError } from '../core/errors.ts';
import type { AppConfig } from '../core/facts.ts';
import type { DeclaredFlag } from '../core/flags/types.ts';
import type { ChangeFeed } from '../core/change-feed.ts';
import type { ConfigRepo, FlagStore } from '../core/ports.ts';
import { watchNamed } from '../adapters/kubernetes/watch-workload.ts';
import type { FlagStores } from '../executor/step-context.ts';

export interface FlagStoresInput {
  readonly config: RewindConfig;
  readonly app: AppConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  readonly repo: () => Promise<ConfigRepo | undefined>;
}

export function openFlagStores(i: FlagStoresInput): FlagStores {
  const stores = new Map<string, Promise<FlagStore>>();
  const storeOf = (flag: DeclaredFlag): Promise<FlagStore> => {
    const k = flag.provider === 'flagd' ? 'flagd' : `unleash ${flag.unleash?.url ?? ''} ${flag.unleash?.environment ?? ''}`;
    let s = stores.get(k);
    if (!s) {
      s = flag.provider === 'flagd' ? flagdStore(i) : unleashStore(i, flag);
      stores.set(k, s);
    }
    return s;
  };
  return async (key) => {
    const flag = i.app.flags.find((f) => f.key === key);
    if (!flag) return undefined;
    return { flag, store: await storeOf(flag) };
  };
}

async function flagdStore(i: FlagStoresInput): Promise<FlagStore> {
  const repoConfig = i.config.configRepo;
  const repo = await i.repo();
  if (!repoConfig || !repo) throw new ConfigError(`${i.app.name} declares flagd flags, but rewind.yaml has no configRepo`);
  const cluster = i.config.clusters.find((c) => c.name === i.app.workload.cluster || c.context === i.app.workload.cluster);
  const [{ createFlagdGitStore }, token] = await Promise.all([
    import('../adapters/flags/index.ts'),
    repoConfig.token ? resolveSecret(repoConfig.token, i.env, 'configRepo.tokenEnv') : Promise.resolve(undefined),
  ]);
  const kube = { context: cluster?.context ?? i.app.workload.cluster, ...(cluster?.kubeconfig ? { kubeconfigPath: cluster.kubeconfig } : {}), namespace: i.app.workload.namespace };
  return createFlagdGitStore({
    repo,
    repoPath: repoConfig.path,
    branch: repoConfig.branch,
    workRoot: join(i.stateDir, 'flag-commits'),
    ...(token ? { token } : {}),
    env: i.env,
    kube,
    watchConfigMap: (name) => configMapWatch(kube, name),
  });
}

/**
 * The flag wait's change signal: a Kubernetes watch on the ConfigMap the workload reads
 * (adapters/kubernetes/watch-workload.ts); its kubeconfig loads at the first watch, never for a plan.
 */
function configMapWatch(kube: { readonly context: string; readonly kubeconfigPath?: string; readonly namespace: string }, name: string): ChangeFeed {
  const config = async () => {
    const { loadKubeConfig } = await import('../adapters/kubernetes/kube-rest.ts');
    const kc = loadKubeConfig(kube.kubeconfigPath);
    kc.setCurrentContext(kube.context);
    return kc;
  };
  return watchNamed(config, `/api/v1/namespaces/${encodeURIComponent(kube.namespace)}/configmaps`, name);
}

async function unleashStore(i: FlagStoresInput, flag: DeclaredFlag): Promise<FlagStore> {
  const u = flag.unleash;
  if (!u) throw new ConfigError(`flag ${flag.key} of ${i.app.name} names no unleash: { url, environment, adminTokenEnv, clientTokenEnv }`);
  const [{ createUnleashStore }, adminToken, clientToken] = await Promise.all([
    import('../adapters/flags/index.ts'),
    resolveSecret({ env: u.adminTokenEnv }, i.env, `apps[].flags[${flag.key}].unleash.adminTokenEnv`),
    resolveSecret({ env: u.clientTokenEnv }, i.env, `apps[].flags[${flag.key}].unleash.clientTokenEnv`),
  ]);
  return createUnleashStore({ url: u.url, project: u.project, environment: u.environment, adminToken, clientToken });
}
