import { isAbsolute, resolve } from 'node:path';
import type { AppEntry, RewindConfig, SecretRef } from './config-types.ts';

/** rewind.yaml as written, after the shape check (so the types hold). */
export interface WrittenConfig {
  readonly clusters?: readonly { name: string; context: string; kubeconfig?: string }[];
  readonly argocd: { url: string; tokenEnv?: string; tokenFile?: string; token?: unknown; caFile?: string; insecure?: boolean };
  readonly configRepo?: { path: string; branch?: string };
  readonly prometheus?: { url: string };
  readonly registries?: readonly { host: string; url?: string; caFile?: string }[];
  readonly dockerConfig?: string;
  readonly apps: readonly {
    name: string;
    cluster: string;
    namespace: string;
    workload: { kind: 'Deployment' | 'Rollout'; name: string };
    repoPath?: string;
    migrations?: string;
    severity?: 'P0' | 'P1' | 'P2';
    slackChannel?: string;
    flags?: readonly { name: string; covers: readonly string[] }[];
    verify?: { allowUnresolvedTags?: boolean };
  }[];
  readonly state?: { dir?: string; databaseUrlEnv?: string };
}

export const DEFAULT_TOKEN_ENV = 'ARGOCD_AUTH_TOKEN';

/**
 * Defaults resolved once, paths made absolute against the config file's folder (repo paths and
 * globs inside the config repo stay relative: they name paths in git, not on this disk).
 */
export function normalizeConfig(w: WrittenConfig, file: string): RewindConfig {
  const dir = resolve(file, '..');
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const token: SecretRef = w.argocd.tokenFile !== undefined ? { file: abs(w.argocd.tokenFile) } : { env: w.argocd.tokenEnv ?? DEFAULT_TOKEN_ENV };
  const apps: AppEntry[] = w.apps.map((a) => ({
    name: a.name,
    cluster: a.cluster,
    namespace: a.namespace,
    workload: { kind: a.workload.kind, name: a.workload.name },
    ...(a.repoPath !== undefined ? { repoPath: a.repoPath } : {}),
    ...(a.migrations !== undefined ? { migrations: a.migrations } : {}),
    severity: a.severity ?? 'P1',
    ...(a.slackChannel !== undefined ? { slackChannel: a.slackChannel } : {}),
    flags: (a.flags ?? []).map((f) => ({ name: f.name, covers: [...f.covers] })),
    verify: { allowUnresolvedTags: a.verify?.allowUnresolvedTags ?? false },
  }));
  return {
    file: resolve(file),
    clusters: (w.clusters ?? []).map((c) => ({ name: c.name, context: c.context, ...(c.kubeconfig !== undefined ? { kubeconfig: abs(c.kubeconfig) } : {}) })),
    argocd: {
      url: w.argocd.url,
      token,
      ...(w.argocd.caFile !== undefined ? { caFile: abs(w.argocd.caFile) } : {}),
      insecure: w.argocd.insecure ?? false,
    },
    ...(w.configRepo ? { configRepo: { path: abs(w.configRepo.path), branch: w.configRepo.branch ?? 'main' } } : {}),
    ...(w.prometheus ? { prometheus: { url: w.prometheus.url } } : {}),
    registries: (w.registries ?? []).map((r) => ({ host: r.host, url: r.url ?? `https://${r.host}`, ...(r.caFile !== undefined ? { caFile: abs(r.caFile) } : {}) })),
    ...(w.dockerConfig !== undefined ? { dockerConfig: abs(w.dockerConfig) } : {}),
    apps,
    state: {
      // NOTE: beside the config file, so a sandbox (or a demo in a temp dir) keeps its own journal.
      ...(w.state?.dir !== undefined ? { dir: abs(w.state.dir) } : {}),
      ...(w.state?.databaseUrlEnv !== undefined ? { databaseUrlEnv: w.state.databaseUrlEnv } : {}),
    },
  };
}
