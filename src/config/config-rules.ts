import type { ConfigIssue, ConfigPath, Locator } from './config-issues.ts';
import { AnalysisSpecError, compileMetric } from '../core/analysis/analysis.ts';
import { checkPromql } from '../core/analysis/promql.ts';
import type { RewindConfig, SecretRef } from './config-types.ts';
import { durationMs, type WrittenConfig } from './normalize-config.ts';
import { commsRules } from './comms-config.ts';

export interface RuleContext {
  readonly written: WrittenConfig;
  readonly config: RewindConfig;
  readonly loc: Locator;
  /** File mode bits of an absolute path; undefined when it does not exist. */
  readonly statMode: (path: string) => number | undefined;
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/** A named check over the normalised config; pushes to `errors` / `warnings`. */
export type Rule = (ctx: RuleContext) => void;
/** A rule that reads only the written form, so it runs even when the shape check failed. */
export type WrittenRule = (ctx: Omit<RuleContext, 'config'>) => void;

const error = (ctx: Omit<RuleContext, 'config'>, path: ConfigPath, message: string, key = false) => ctx.errors.push(ctx.loc.issue(path, message, { key }));

export const appsReferenceKnownClusters: Rule = (ctx) => {
  const known = ctx.config.clusters.map((c) => c.name);
  ctx.config.apps.forEach((a, i) => {
    if (!known.includes(a.cluster)) {
      error(ctx, ['apps', i, 'cluster'], `app ${a.name} refers to unknown cluster "${a.cluster}" (known: ${known.join(', ') || 'none; add it under clusters'})`);
    }
  });
};

export const uniqueNames: Rule = (ctx) => {
  const dupes = (names: readonly string[], list: 'apps' | 'clusters') =>
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) error(ctx, [list, i, 'name'], `${list === 'apps' ? 'app' : 'cluster'} name "${n}" is used twice (first at ${ctx.loc.where([list, names.indexOf(n), 'name'])})`);
    });
  dupes(ctx.config.apps.map((a) => a.name), 'apps');
  dupes(ctx.config.clusters.map((c) => c.name), 'clusters');
};

const SECRET_KEY = /^(token|password|secret|apiKey|bearerToken)$/i;

/** Secrets only by reference: a value in the file ends up in backups, diffs and screen shares. */
export const secretsOnlyByReference: WrittenRule = (ctx) => {
  const walk = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEY.test(k)) error(ctx, [...path, k], `inline secret "${k}" is not allowed: put it in an env var (tokenEnv) or a 0600 file (tokenFile)`, true);
        else walk(x, [...path, k]);
      }
    }
  };
  walk(ctx.written, []);
  if (ctx.written.argocd.tokenEnv !== undefined && ctx.written.argocd.tokenFile !== undefined) {
    error(ctx, ['argocd', 'tokenFile'], 'set argocd.tokenEnv or argocd.tokenFile, not both', true);
  }
};

export function secretFileIsPrivate(ctx: RuleContext, ref: SecretRef | undefined, path: ConfigPath): void {
  if (ref === undefined || !('file' in ref)) return;
  const key = String(path.at(-1));
  const mode = ctx.statMode(ref.file);
  if (mode === undefined) {
    error(ctx, path, `${key} ${ref.file} does not exist`);
  } else if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    error(ctx, path, `${key} ${ref.file} is mode ${octal}, readable by group or others: chmod 600 ${ref.file}`);
  }
}

export const tokenFileIsPrivate: Rule = (ctx) => {
  secretFileIsPrivate(ctx, ctx.config.argocd.token, ['argocd', 'tokenFile']);
  const auth = ctx.config.prometheus?.auth;
  if (auth && 'token' in auth) secretFileIsPrivate(ctx, auth.token, ['prometheus', 'tokenFile']);
  if (auth && 'basic' in auth) secretFileIsPrivate(ctx, auth.basic.password, ['prometheus', 'basicAuth', 'passwordFile']);
};

/** One way to authenticate to Prometheus, and a password by reference when it is basic auth. */
export const prometheusAuthIsOneReference: WrittenRule = (ctx) => {
  const p = ctx.written.prometheus;
  if (p === undefined || p === null || typeof p !== 'object') return;
  if (p.tokenEnv !== undefined && p.tokenFile !== undefined) error(ctx, ['prometheus', 'tokenFile'], 'set prometheus.tokenEnv or prometheus.tokenFile, not both', true);
  if (p.basicAuth !== undefined && (p.tokenEnv !== undefined || p.tokenFile !== undefined)) error(ctx, ['prometheus', 'basicAuth'], 'set a bearer token (tokenEnv/tokenFile) or basicAuth, not both', true);
  if (p.basicAuth !== undefined && typeof p.basicAuth === 'object') {
    const b = p.basicAuth;
    if (b.passwordEnv === undefined && b.passwordFile === undefined) error(ctx, ['prometheus', 'basicAuth'], 'basicAuth needs passwordEnv or passwordFile', true);
    if (b.passwordEnv !== undefined && b.passwordFile !== undefined) error(ctx, ['prometheus', 'basicAuth', 'passwordFile'], 'set basicAuth.passwordEnv or passwordFile, not both', true);
  }
};

/** An app's database URL by exactly one reference, its file private: the URL carries the password. */
export const databaseIsOneReference: Rule = (ctx) => {
  ctx.written.apps.forEach((a, i) => {
    const d = a.database;
    if (d === undefined || d === null || typeof d !== 'object') return;
    if (d.urlEnv === undefined && d.urlFile === undefined) error(ctx, ['apps', i, 'database'], `app ${a.name}: database needs urlEnv or urlFile (the URL itself never goes in rewind.yaml)`);
    if (d.urlEnv !== undefined && d.urlFile !== undefined) error(ctx, ['apps', i, 'database', 'urlFile'], 'set database.urlEnv or database.urlFile, not both');
  });
  ctx.config.apps.forEach((a, i) => secretFileIsPrivate(ctx, a.database?.url, ['apps', i, 'database', 'urlFile']));
};

/** Durations parse ("30s", "5m", "1h30m") and are positive where zero means nothing. */
export const durationsParse: Rule = (ctx) => {
  const check = (path: ConfigPath, text: string | undefined, positive = true) => {
    if (text === undefined) return;
    const ms = durationMs(text);
    if (ms === undefined) error(ctx, path, `"${text}" is not a duration (e.g. 30s, 5m, 1h30m)`);
    else if (positive && ms <= 0) error(ctx, path, `${String(path.at(-1))} must be more than 0`);
  };
  check(['prometheus', 'timeout'], ctx.written.prometheus?.timeout);
  check(['prometheus', 'scrapeInterval'], ctx.written.prometheus?.scrapeInterval);
  ctx.written.apps.forEach((a, i) => {
    check(['apps', i, 'verify', 'deadline'], a.verify?.deadline);
    a.verify?.metrics?.forEach((m, j) => {
      check(['apps', i, 'verify', 'metrics', j, 'interval'], m.interval);
      check(['apps', i, 'verify', 'metrics', j, 'initialDelay'], m.initialDelay, false);
    });
  });
};

/**
 * Each metric's PromQL parses with the official parser and its conditions parse; a metric with
 * neither condition is refused (Argo Rollouts would call it Successful without checking anything).
 */
export const verifyMetricsAreValid: Rule = (ctx) => {
  ctx.config.apps.forEach((a, i) => {
    const metrics = a.verify?.metrics ?? [];
    const names = metrics.map((m) => m.name);
    metrics.forEach((m, j) => {
      const at = (...rest: (string | number)[]): ConfigPath => ['apps', i, 'verify', 'metrics', j, ...rest];
      if (names.indexOf(m.name) !== j) error(ctx, at('name'), `metric name "${m.name}" is used twice in app ${a.name}`);
      const problem = checkPromql(m.query);
      if (problem) error(ctx, at('query'), `query of metric "${m.name}" does not parse: ${problem.message} (column ${problem.column})`);
      try {
        compileMetric(m);
      } catch (e) {
        if (!(e instanceof AnalysisSpecError)) throw e;
        error(ctx, e.field ? at(e.field) : at(), e.field ? `metric "${m.name}": ${e.message}` : e.message);
      }
    });
    if (metrics.length > 0 && ctx.config.prometheus === undefined) {
      error(ctx, ['apps', i, 'verify', 'metrics'], `app ${a.name} declares verify.metrics but rewind.yaml has no prometheus section to query`);
    }
  });
};

export const urlsParse: Rule = (ctx) => {
  const check = (path: ConfigPath, url: string | undefined) => {
    if (url === undefined) return;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      error(ctx, path, `"${url}" is not an http(s) URL`);
    } else if (parsed.username || parsed.password) {
      // Not echoed: the message must not repeat the secret it reports.
      error(ctx, path, 'credentials in a URL are an inline secret: use basicAuth with passwordEnv or passwordFile');
    }
  };
  check(['argocd', 'url'], ctx.config.argocd.url);
  check(['prometheus', 'url'], ctx.config.prometheus?.url);
  check(['prometheus', 'alertmanagerUrl'], ctx.config.prometheus?.alertmanagerUrl);
};

/** `insecure` is for the loopback sandbox; anywhere else it invites a man in the middle. */
export const insecureOnlyOnLoopback: Rule = (ctx) => {
  const check = (section: 'argocd' | 'prometheus', on: { insecure: boolean; url: string } | undefined) => {
    if (!on?.insecure) return;
    let host = '';
    try {
      host = new URL(on.url).hostname;
    } catch {
      return;
    }
    if (!['localhost', '127.0.0.1', '[::1]', '::1'].includes(host)) {
      ctx.warnings.push(ctx.loc.issue([section, 'insecure'], `${section}.insecure skips TLS verification for ${host}: set ${section}.caFile instead`));
    }
  };
  check('argocd', ctx.config.argocd);
  check('prometheus', ctx.config.prometheus);
};

/**
 * `gitops: none`: a Deployment is undone as `kubectl rollout undo` does, a Rollout as the Argo
 * Rollouts plugin does (abort, or undo under a hold on the Rollout); neither has a commit to revert.
 */
export const undoNeedsDeployment: Rule = (ctx) => {
  ctx.config.apps.forEach((a, i) => {
    if (a.gitops === 'none' && a.revert !== undefined) {
      error(ctx, ['apps', i, 'revert'], `app ${a.name} has gitops: none: there is no config repo commit to revert`);
    }
  });
};

/** A flag names its provider's reference, once per app; flagd needs the config repo its file lives in. */
export const flagsNameTheirProvider: Rule = (ctx) => {
  ctx.config.apps.forEach((a, i) => {
    const seen = new Set<string>();
    a.flags.forEach((f, j) => {
      const at: ConfigPath = ['apps', i, 'flags', j];
      if (seen.has(f.key)) error(ctx, [...at, 'key'], `app ${a.name} declares flag ${f.key} twice`);
      seen.add(f.key);
      if (f.provider === 'flagd' && !f.flagd) error(ctx, [...at, 'provider'], `flag ${f.key} of app ${a.name} is a flagd flag: it needs flagd: { file, configMap } (the flag-definition file in the config repo and the ConfigMap it is rendered into)`);
      if (f.provider === 'flagd' && !ctx.config.configRepo) error(ctx, [...at, 'provider'], `flag ${f.key} of app ${a.name} is a flagd flag kept in git, but rewind.yaml has no configRepo`);
      if (f.provider === 'unleash' && !f.unleash) error(ctx, [...at, 'provider'], `flag ${f.key} of app ${a.name} is an Unleash flag: it needs unleash: { url, environment, adminTokenEnv, clientTokenEnv }`);
      if (f.provider === 'flagd' && f.unleash) error(ctx, [...at, 'unleash'], `flag ${f.key} is a flagd flag: unleash: does not apply`);
      if (f.provider === 'unleash' && f.flagd) error(ctx, [...at, 'flagd'], `flag ${f.key} is an Unleash flag: flagd: does not apply`);
      f.gates.forEach((g, k) => {
        if (g.startsWith('key:') && !/^key:[A-Za-z0-9_.-]+$/.test(g)) error(ctx, [...at, 'gates', k], `gate "${g}": a config key is key:NAME (letters, digits, _ . -)`);
      });
      if (a.gitops === 'none' && f.provider === 'flagd') error(ctx, [...at, 'provider'], `app ${a.name} has gitops: none: nothing syncs a flagd file from git to its ConfigMap`);
    });
  });
};

export const rules: readonly Rule[] = [
  flagsNameTheirProvider,
  undoNeedsDeployment,
  appsReferenceKnownClusters,
  uniqueNames,
  secretsOnlyByReference,
  prometheusAuthIsOneReference,
  tokenFileIsPrivate,
  databaseIsOneReference,
  urlsParse,
  insecureOnlyOnLoopback,
  durationsParse,
  verifyMetricsAreValid,
  commsRules(secretFileIsPrivate, durationMs),
];
