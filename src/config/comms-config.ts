/**
 * rewind.yaml's `comms:` (Step 4: Slack, the status page) and `runbooks:` (the "When this
 * runbook last worked" records): shape, written form, normalised form and rules, kept in one
 * file beside the main schema so the rest of the config stays as it was.
 *
 * ### Example (rewind.yaml)
 * ```yaml
 * comms:
 *   slack:
 *     botTokenEnv: SLACK_BOT_TOKEN          # Web API: chat.postMessage, thread replies, chat.update
 *     tenantChannel: "#acme-books-tenants"  # P0: the tenant contact
 *     # or incoming webhooks (one channel each, fixed by Slack):
 *     # webhookUrlEnv: SLACK_WEBHOOK_URL
 *     # tenantWebhookUrlFile: ./tenant-webhook-url   (mode 0600)
 *   statusPage:                             # P0: a status-page incident
 *     atlassian: { pageId: kctbh9vrtdwd, apiKeyEnv: STATUSPAGE_API_KEY, componentIds: [ftgks51sfs2d] }
 *     # or a generic JSON webhook: webhookUrlEnv: STATUS_WEBHOOK_URL
 * runbooks:
 *   - name: code-rollback-argocd
 *     file: ./runbooks/code-rollback-argocd.md   # holds the "When this runbook last worked" table
 *     mechanisms: [argocd-rollback]
 *     git: { authorName: rewind, authorEmail: rewind@example.com, push: false }
 * ```
 */
import type { ConfigPath } from './config-issues.ts';
import type { Rule } from './config-rules.ts';
import type { SecretRef } from './config-types.ts';
import type { Shape } from './config-schema.ts';

const str = (description: string, format?: 'uri'): Shape => (format ? { type: 'string', description, format } : { type: 'string', description });
const obj = (description: string, properties: Record<string, Shape>, required: string[] = []): Shape => ({ type: 'object', description, properties, required });
const secret = (what: string) => ({
  [`${what}Env`]: str(`Environment variable holding the ${what}.`),
  [`${what}File`]: str(`File holding the ${what}, mode 0600. Relative to this file.`),
});

export const commsShape: Shape = obj('Step 4: who hears about a run. By severity: P1 (and P2) the app\'s slackChannel; P0 also the tenant contact and a status-page incident.', {
  slack: obj('Slack: a bot token (Web API: one message per run, replies in its thread, its status updated) or incoming webhooks (one message per event).', {
    ...secret('botToken'),
    apiUrl: str('Slack Web API base (default https://slack.com/api/).', 'uri'),
    tenantChannel: str('P0: the tenant-contact channel (with the bot token).'),
    ...secret('webhookUrl'),
    ...secret('tenantWebhookUrl'),
  }),
  statusPage: obj('P0: a status-page incident, created, updated and resolved with the run.', {
    ...secret('webhookUrl'),
    atlassian: obj('Atlassian Statuspage (REST API v1).', {
      pageId: str('The page id.'),
      ...secret('apiKey'),
      apiUrl: str('API base (default https://api.statuspage.io/v1).', 'uri'),
      componentIds: { type: 'array', description: 'Components the incident marks degraded.', items: str('Component id.') },
    }, ['pageId']),
  }),
  timeout: str('Per request, e.g. 10s (default 10s).'),
  retries: { type: 'integer', minimum: 0, description: 'Retries after a timeout, 5xx or 429 (default 4), with exponential back-off and Retry-After.' },
});

export const runbooksShape: Shape = {
  type: 'array',
  description: 'Runbooks whose "When this runbook last worked" table every verified run extends.',
  items: obj('A runbook.', {
    name: str('Name shown by `rewind runbooks`.'),
    file: str('Markdown file holding the table. Relative to this file.'),
    mechanisms: { type: 'array', description: 'Mechanisms whose verified runs it records (default: all).', items: str('Mechanism name, e.g. argocd-rollback.') },
    apps: { type: 'array', description: 'Apps whose verified runs it records (default: all).', items: str('App name.') },
    git: obj('When the file is in a git repo: commit each new row.', {
      authorName: str('Commit author name (default rewind).'),
      authorEmail: str('Commit author email (default rewind@localhost).'),
      push: { type: 'boolean', description: 'Push the commit to the branch\'s upstream (default false).' },
    }),
  }, ['name', 'file']),
};

type WrittenSecret<K extends string> = { [P in `${K}Env` | `${K}File`]?: string };

export interface WrittenComms {
  slack?: WrittenSecret<'botToken'> & WrittenSecret<'webhookUrl'> & WrittenSecret<'tenantWebhookUrl'> & { apiUrl?: string; tenantChannel?: string };
  statusPage?: WrittenSecret<'webhookUrl'> & { atlassian?: WrittenSecret<'apiKey'> & { pageId: string; apiUrl?: string; componentIds?: readonly string[] } };
  timeout?: string;
  retries?: number;
}

export interface WrittenRunbook {
  name: string;
  file: string;
  mechanisms?: readonly string[];
  apps?: readonly string[];
  git?: { authorName?: string; authorEmail?: string; push?: boolean };
}

export interface CommsConfig {
  readonly slack?: {
    readonly botToken?: SecretRef;
    readonly apiUrl: string;
    readonly tenantChannel?: string;
    readonly webhookUrl?: SecretRef;
    readonly tenantWebhookUrl?: SecretRef;
  };
  readonly statusPage?:
    | { readonly kind: 'webhook'; readonly url: SecretRef }
    | { readonly kind: 'atlassian'; readonly pageId: string; readonly apiKey?: SecretRef; readonly apiUrl: string; readonly componentIds: readonly string[] };
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface RunbookConfig {
  readonly name: string;
  /** Absolute path. */
  readonly file: string;
  readonly mechanisms?: readonly string[];
  readonly apps?: readonly string[];
  readonly git: { readonly authorName: string; readonly authorEmail: string; readonly push: boolean };
}

function ref(w: Record<string, string | undefined>, key: string, abs: (p: string) => string): SecretRef | undefined {
  const file = w[`${key}File`];
  const env = w[`${key}Env`];
  return file !== undefined ? { file: abs(file) } : env !== undefined ? { env } : undefined;
}

export function normalizeComms(w: WrittenComms, abs: (p: string) => string, durationMs: (t: string | undefined) => number | undefined): CommsConfig {
  const s = w.slack as Record<string, string | undefined> | undefined;
  const slack = s && {
    apiUrl: s['apiUrl'] ?? 'https://slack.com/api/',
    ...opt('botToken', ref(s, 'botToken', abs)),
    ...opt('tenantChannel', s['tenantChannel']),
    ...opt('webhookUrl', ref(s, 'webhookUrl', abs)),
    ...opt('tenantWebhookUrl', ref(s, 'tenantWebhookUrl', abs)),
  };
  const sp = w.statusPage;
  const hook = sp ? ref(sp as Record<string, string | undefined>, 'webhookUrl', abs) : undefined;
  const at = sp?.atlassian;
  const statusPage: CommsConfig['statusPage'] = at
    ? { kind: 'atlassian', pageId: at.pageId, ...opt('apiKey', ref(at as unknown as Record<string, string | undefined>, 'apiKey', abs)), apiUrl: at.apiUrl ?? 'https://api.statuspage.io/v1', componentIds: [...(at.componentIds ?? [])] }
    : hook
      ? { kind: 'webhook', url: hook }
      : undefined;
  return { ...opt('slack', slack), ...opt('statusPage', statusPage), timeoutMs: durationMs(w.timeout) ?? 10_000, retries: w.retries ?? 4 };
}

export function normalizeRunbooks(w: readonly WrittenRunbook[], abs: (p: string) => string): RunbookConfig[] {
  return w.map((r) => ({
    name: r.name,
    file: abs(r.file),
    ...opt('mechanisms', r.mechanisms && [...r.mechanisms]),
    ...opt('apps', r.apps && [...r.apps]),
    git: { authorName: r.git?.authorName ?? 'rewind', authorEmail: r.git?.authorEmail ?? 'rewind@localhost', push: r.git?.push ?? false },
  }));
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * One receiver per slot (a bot token or a webhook for the status channel; a webhook URL or an
 * Atlassian page), secret files private, and the P0 tenant contact reachable by the Slack mode
 * chosen.
 */
export function commsRules(
  secretFileIsPrivate: (ctx: Parameters<Rule>[0], ref: SecretRef | undefined, path: ConfigPath) => void,
  durationMs: (text: string | undefined) => number | undefined,
): Rule {
  return (ctx) => {
    const c = ctx.config.comms;
    const w = ctx.written.comms;
    if (!c || !w) return;
    const err = (path: ConfigPath, message: string) => ctx.errors.push(ctx.loc.issue(path, message, { key: true }));
    if (w.timeout !== undefined && !((durationMs(w.timeout) ?? 0) > 0)) ctx.errors.push(ctx.loc.issue(['comms', 'timeout'], `comms.timeout must be a duration such as 10s, not "${w.timeout}"`));
    const both = (o: Record<string, unknown> | undefined, key: string, path: ConfigPath) => {
      if (o && o[`${key}Env`] !== undefined && o[`${key}File`] !== undefined) err([...path, `${key}File`], `set ${key}Env or ${key}File, not both`);
    };
    // A webhook URL is its own credential: written inline, it would sit in backups and diffs.
    // (apiKey is refused by the shared secretsOnlyByReference rule.) `url` is the slip for webhookUrl.
    const inline = (o: object | undefined, keys: readonly string[], path: ConfigPath) => {
      for (const k of keys) {
        const ref = k === 'url' ? 'webhookUrl' : k;
        if (o && k in o) err([...path, k], `inline secret "${k}" is not allowed: use ${ref}Env (an environment variable) or ${ref}File (a 0600 file)`);
      }
    };
    inline(w.slack, ['botToken', 'webhookUrl', 'tenantWebhookUrl'], ['comms', 'slack']);
    inline(w.statusPage, ['webhookUrl', 'url'], ['comms', 'statusPage']);
    for (const k of ['botToken', 'webhookUrl', 'tenantWebhookUrl']) both(w.slack, k, ['comms', 'slack']);
    both(w.statusPage, 'webhookUrl', ['comms', 'statusPage']);
    both(w.statusPage?.atlassian, 'apiKey', ['comms', 'statusPage', 'atlassian']);
    if (w.slack && c.slack?.botToken && c.slack.webhookUrl) err(['comms', 'slack', 'webhookUrlEnv'], 'set a bot token or a webhook URL for Slack, not both');
    if (w.statusPage?.atlassian && c.statusPage?.kind === 'atlassian' && (w.statusPage.webhookUrlEnv ?? w.statusPage.webhookUrlFile) !== undefined) {
      err(['comms', 'statusPage', 'atlassian'], 'set statusPage.atlassian or statusPage.webhookUrl, not both');
    }
    if (c.statusPage?.kind === 'atlassian' && !c.statusPage.apiKey) err(['comms', 'statusPage', 'atlassian'], 'statusPage.atlassian needs apiKeyEnv or apiKeyFile');
    const s = c.slack;
    if (s) {
      secretFileIsPrivate(ctx, s.botToken, ['comms', 'slack', 'botTokenFile']);
      secretFileIsPrivate(ctx, s.webhookUrl, ['comms', 'slack', 'webhookUrlFile']);
      secretFileIsPrivate(ctx, s.tenantWebhookUrl, ['comms', 'slack', 'tenantWebhookUrlFile']);
    }
    const sp = c.statusPage;
    if (sp?.kind === 'webhook') secretFileIsPrivate(ctx, sp.url, ['comms', 'statusPage', 'webhookUrlFile']);
    if (sp?.kind === 'atlassian') secretFileIsPrivate(ctx, sp.apiKey, ['comms', 'statusPage', 'atlassian', 'apiKeyFile']);
  };
}
