import { isAbsolute, resolve } from 'node:path';
import type { MetricSpec } from '../core/analysis/analysis.ts';
import { parseDuration } from '../core/duration.ts';
import { withRecoveryDefaults, type VerificationSpec } from '../core/analysis/verification.ts';
import { normalizeComms, normalizeRunbooks, type WrittenComms, type WrittenRunbook } from './comms-config.ts';
import type { AppEntry, PrometheusConfig, RewindConfig, SecretRef } from './config-types.ts';
import type { DeclaredFlag } from '../core/flags/types.ts';

/** rewind.yaml as written, after the shape check (so the types hold). */
export interface WrittenConfig {
  readonly clusters?: readonly { name: string; context: string; kubeconfig?: string }[];
  readonly argocd: { url: string; tokenEnv?: string; tokenFile?: string; token?: unknown; caFile?: string; insecure?: boolean; cluster?: string; namespace?: string; slowAfterSeconds?: number };
  readonly configRepo?: { path: string; branch?: string; tokenEnv?: string };
  readonly prometheus?: WrittenPrometheus;
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
    flags?: readonly WrittenFlag[];
    gitops?: 'argocd' | 'none';
    revert?: 'push' | 'review';
    autoSyncHold?: 'disable' | 'pin';
    verify?: WrittenVerify;
    database?: { urlEnv?: string; urlFile?: string; downMigrations?: 'confirm' | 'auto' };
  }[];
  readonly state?: { dir?: string; databaseUrlEnv?: string };
  readonly comms?: WrittenComms;
  readonly runbooks?: readonly WrittenRunbook[];
}

export interface WrittenPrometheus {
  url: string;
  tokenEnv?: string;
  tokenFile?: string;
  basicAuth?: { username: string; passwordEnv?: string; passwordFile?: string };
  caFile?: string;
  insecure?: boolean;
  headers?: Record<string, string>;
  alertmanagerUrl?: string;
  timeout?: string;
  scrapeInterval?: string;
}

export interface WrittenMetric {
  name: string;
  query: string;
  successCondition?: string;
  failureCondition?: string;
  interval?: string;
  count?: number;
  initialDelay?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
  consecutiveSuccessLimit?: number;
}

export interface WrittenVerify {
  metrics?: readonly WrittenMetric[];
  deadline?: string;
  requireMetrics?: boolean;
  allowUnresolvedTags?: boolean;
}

export const DEFAULT_TOKEN_ENV = 'ARGOCD_AUTH_TOKEN';

/** A duration as written ("30s", "5m", "1h30m") in ms; undefined when it is not one (a rule reports it). */
export const durationMs = (text: string | undefined): number | undefined => (text === undefined ? undefined : parseDuration(text));

function normalizeMetric(m: WrittenMetric): MetricSpec {
  const ms = (field: 'interval' | 'initialDelay') => durationMs(m[field]);
  const interval = ms('interval');
  const initialDelay = ms('initialDelay');
  const ints = (['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit'] as const).filter((k) => m[k] !== undefined).map((k) => [k, m[k]]);
  return withRecoveryDefaults({
    name: m.name,
    query: m.query,
    ...(m.successCondition !== undefined ? { successCondition: m.successCondition } : {}),
    ...(m.failureCondition !== undefined ? { failureCondition: m.failureCondition } : {}),
    ...(interval !== undefined ? { intervalMs: interval } : {}),
    ...(initialDelay !== undefined ? { initialDelayMs: initialDelay } : {}),
    ...(Object.fromEntries(ints) as Partial<MetricSpec>),
  });
}

function normalizeVerify(v: WrittenVerify): VerificationSpec {
  const deadline = durationMs(v.deadline);
  return {
    metrics: (v.metrics ?? []).map(normalizeMetric),
    ...(deadline !== undefined ? { deadlineMs: deadline } : {}),
    requireMetrics: v.requireMetrics ?? false,
    allowUnresolvedTags: v.allowUnresolvedTags ?? false,
    origin: 'config',
  };
}

function normalizePrometheus(p: WrittenPrometheus, abs: (path: string) => string): PrometheusConfig {
  const ref = (env: string | undefined, file: string | undefined): SecretRef | undefined =>
    file !== undefined ? { file: abs(file) } : env !== undefined ? { env } : undefined;
  const token = ref(p.tokenEnv, p.tokenFile);
  const password = p.basicAuth ? ref(p.basicAuth.passwordEnv, p.basicAuth.passwordFile) : undefined;
  const auth = p.basicAuth && password ? { basic: { username: p.basicAuth.username, password } } : token ? { token } : undefined;
  return {
    url: p.url,
    ...(auth ? { auth } : {}),
    ...(p.caFile !== undefined ? { caFile: abs(p.caFile) } : {}),
    insecure: p.insecure ?? false,
    headers: { ...p.headers },
    ...(p.alertmanagerUrl !== undefined ? { alertmanagerUrl: p.alertmanagerUrl } : {}),
    timeoutMs: durationMs(p.timeout) ?? 10_000,
    scrapeIntervalMs: durationMs(p.scrapeInterval) ?? 15_000,
  };
}

/** `apps[].database`: the URL by reference only (the rule `databaseRef` requires exactly one of urlEnv/urlFile). */
function normalizeDatabase(d: { urlEnv?: string; urlFile?: string; downMigrations?: 'confirm' | 'auto' }, abs: (path: string) => string): NonNullable<AppEntry['database']> {
  const url: SecretRef = d.urlFile !== undefined ? { file: abs(d.urlFile) } : { env: d.urlEnv ?? 'DATABASE_URL' };
  return { url, downMigrations: d.downMigrations ?? 'confirm' };
}

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
    flags: (a.flags ?? []).map(normalizeFlag),
    gitops: a.gitops ?? 'argocd',
    ...(a.revert !== undefined ? { revert: a.revert } : {}),
    ...(a.autoSyncHold !== undefined ? { autoSyncHold: a.autoSyncHold } : {}),
    ...(a.verify !== undefined ? { verify: normalizeVerify(a.verify) } : {}),
    ...(a.database !== undefined ? { database: normalizeDatabase(a.database, abs) } : {}),
  }));
  return {
    file: resolve(file),
    clusters: (w.clusters ?? []).map((c) => ({ name: c.name, context: c.context, ...(c.kubeconfig !== undefined ? { kubeconfig: abs(c.kubeconfig) } : {}) })),
    argocd: {
      url: w.argocd.url,
      token,
      ...(w.argocd.caFile !== undefined ? { caFile: abs(w.argocd.caFile) } : {}),
      insecure: w.argocd.insecure ?? false,
      ...(w.argocd.cluster !== undefined ? { cluster: w.argocd.cluster } : {}),
      namespace: w.argocd.namespace ?? 'argocd',
      ...(w.argocd.slowAfterSeconds !== undefined ? { slowAfterMs: Math.round(w.argocd.slowAfterSeconds * 1000) } : {}),
    },
    ...(w.configRepo ? { configRepo: { path: abs(w.configRepo.path), branch: w.configRepo.branch ?? 'main', ...(w.configRepo.tokenEnv !== undefined ? { token: { env: w.configRepo.tokenEnv } } : {}) } } : {}),
    ...(w.prometheus ? { prometheus: normalizePrometheus(w.prometheus, abs) } : {}),
    registries: (w.registries ?? []).map((r) => ({ host: r.host, ...(r.url !== undefined ? { url: r.url } : {}), ...(r.caFile !== undefined ? { caFile: abs(r.caFile) } : {}) })),
    ...(w.dockerConfig !== undefined ? { dockerConfig: abs(w.dockerConfig) } : {}),
    apps,
    state: {
      // NOTE: beside the config file, so a sandbox (or a demo in a temp dir) keeps its own journal.
      ...(w.state?.dir !== undefined ? { dir: abs(w.state.dir) } : {}),
      ...(w.state?.databaseUrlEnv !== undefined ? { databaseUrlEnv: w.state.databaseUrlEnv } : {}),
    },
    ...(w.comms ? { comms: normalizeComms(w.comms, abs, durationMs) } : {}),
    runbooks: normalizeRunbooks(w.runbooks ?? [], abs),
  };
}

/** `apps[].flags[]` as written. */
export interface WrittenFlag {
  key: string;
  provider: 'flagd' | 'unleash';
  gates?: readonly string[];
  flagd?: { file: string; configMap: string; configMapKey?: string };
  unleash?: { url: string; project?: string; environment: string; adminTokenEnv: string; clientTokenEnv: string };
}

function normalizeFlag(f: WrittenFlag): DeclaredFlag {
  return {
    key: f.key,
    provider: f.provider,
    gates: [...(f.gates ?? [])],
    ...(f.flagd ? { flagd: { file: f.flagd.file.replace(/^\.?\/+/, ''), configMap: f.flagd.configMap, ...(f.flagd.configMapKey ? { configMapKey: f.flagd.configMapKey } : {}) } } : {}),
    ...(f.unleash ? { unleash: { ...f.unleash, url: f.unleash.url.replace(/\/+$/, ''), project: f.unleash.project ?? 'default' } } : {}),
  };
}
