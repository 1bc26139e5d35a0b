import type { ConfigIssue, ConfigPath, Locator } from './config-issues.ts';
import type { RewindConfig } from './config-types.ts';
import type { WrittenConfig } from './normalize-config.ts';

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

export const tokenFileIsPrivate: Rule = (ctx) => {
  const token = ctx.config.argocd.token;
  if (!('file' in token)) return;
  const mode = ctx.statMode(token.file);
  if (mode === undefined) {
    error(ctx, ['argocd', 'tokenFile'], `tokenFile ${token.file} does not exist`);
  } else if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    error(ctx, ['argocd', 'tokenFile'], `tokenFile ${token.file} is mode ${octal}, readable by group or others: chmod 600 ${token.file}`);
  }
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
    }
  };
  check(['argocd', 'url'], ctx.config.argocd.url);
  check(['prometheus', 'url'], ctx.config.prometheus?.url);
};

/** `insecure` is for the loopback sandbox; anywhere else it invites a man in the middle. */
export const insecureOnlyOnLoopback: Rule = (ctx) => {
  if (!ctx.config.argocd.insecure) return;
  let host = '';
  try {
    host = new URL(ctx.config.argocd.url).hostname;
  } catch {
    return;
  }
  if (!['localhost', '127.0.0.1', '[::1]', '::1'].includes(host)) {
    ctx.warnings.push(ctx.loc.issue(['argocd', 'insecure'], `argocd.insecure skips TLS verification for ${host}: set argocd.caFile instead`));
  }
};

export const rules: readonly Rule[] = [appsReferenceKnownClusters, uniqueNames, secretsOnlyByReference, tokenFileIsPrivate, urlsParse, insecureOnlyOnLoopback];
