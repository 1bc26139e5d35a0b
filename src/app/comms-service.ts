/**
 * Step 4 wired into every run: `withComms` wraps the run's journal, so each record the executor
 * makes durable is also a chance to tell people (the run started, mitigated, verified, failed,
 * its follow-up done). One call site (rollback-service's runDeps); a dry run journals nothing
 * and so sends nothing. Deliveries run in order behind the run, never in its way: the run's last
 * record waits for them, so the process does not exit with a message half-sent.
 */
import { audiencesFor, eventOf, makeNotice, noticeFacts, COMMS_EVENTS, DeliveryError, type Audience, type CommsEvent, type Severity } from '../core/comms.ts';
import type { Plan } from '../core/plan.ts';
import type { Clock, JournalStore, Notifier } from '../core/ports.ts';
import type { JournalRecord } from '../core/run.ts';
import type { CommsConfig, RunbookConfig } from '../config/comms-config.ts';
import type { SecretRef } from '../config/config-types.ts';
import { resolveSecret } from '../config/secrets.ts';
import type { AppContext } from './app-context.ts';
import { sendNotice } from './comms-sender.ts';

/** A receiver and the events it wants. */
export interface Subscription {
  readonly notifier: Notifier;
  readonly events: readonly CommsEvent[];
}

/** A receiver rewind cannot build (a missing channel or secret): every notice to it is a `failed` record naming what to configure. */
const unreachable = (target: string, why: string): Notifier => ({
  target,
  deliver: () => Promise.reject(new DeliveryError(`${target}: ${why}`, { retryable: false })),
});

async function secret(ref: SecretRef, env: NodeJS.ProcessEnv, key: string): Promise<string | { error: string }> {
  try {
    return await resolveSecret(ref, env, key);
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'cannot read the secret' };
  }
}

/** The receivers a run of this app and severity tells, by the seed's Step 4. */
export async function subscriptionsFor(
  comms: CommsConfig | undefined,
  runbooks: readonly RunbookConfig[],
  app: { readonly name: string; readonly severity: Severity; readonly slackChannel?: string },
  plan: Plan,
  env: NodeJS.ProcessEnv,
): Promise<Subscription[]> {
  const subs: Subscription[] = [];
  if (comms) {
    for (const audience of audiencesFor(app.severity)) subs.push({ notifier: await notifierFor(audience, comms, app, env), events: COMMS_EVENTS });
  }
  const mine = runbooks.filter((r) => (!r.mechanisms || r.mechanisms.includes(plan.mechanism ?? '')) && (!r.apps || r.apps.includes(app.name)));
  if (mine.length) {
    const { createRunbookRecorder } = await import('../adapters/records/index.ts');
    for (const r of mine) subs.push({ notifier: createRunbookRecorder({ name: r.name, file: r.file, git: r.git }), events: ['verified'] });
  }
  return subs;
}

async function notifierFor(audience: Audience, comms: CommsConfig, app: { readonly slackChannel?: string }, env: NodeJS.ProcessEnv): Promise<Notifier> {
  const timeoutMs = comms.timeoutMs;
  if (audience === 'status-page') {
    const sp = comms.statusPage;
    if (!sp) return unreachable('statuspage', 'P0 needs a status-page entry: set comms.statusPage in rewind.yaml');
    const { createAtlassianStatusPage, createWebhookStatusPage } = await import('../adapters/statuspage/index.ts');
    if (sp.kind === 'webhook') {
      const url = await secret(sp.url, env, 'comms.statusPage.webhookUrlFile');
      return typeof url === 'string' ? createWebhookStatusPage({ url, timeoutMs }) : unreachable('statuspage webhook', url.error);
    }
    if (!sp.apiKey) return unreachable(`statuspage atlassian ${sp.pageId}`, 'no apiKeyEnv or apiKeyFile');
    const key = await secret(sp.apiKey, env, 'comms.statusPage.atlassian.apiKeyFile');
    return typeof key === 'string'
      ? createAtlassianStatusPage({ apiUrl: sp.apiUrl, pageId: sp.pageId, apiKey: key, componentIds: sp.componentIds, timeoutMs })
      : unreachable(`statuspage atlassian ${sp.pageId}`, key.error);
  }
  const s = comms.slack;
  const tenant = audience === 'tenant-contact';
  if (!s) return unreachable(`slack ${audience}`, 'set comms.slack in rewind.yaml');
  const { createSlackWebApiNotifier, createSlackWebhookNotifier } = await import('../adapters/slack/index.ts');
  if (s.botToken) {
    const channel = tenant ? s.tenantChannel : app.slackChannel;
    if (!channel) return unreachable(`slack ${audience}`, tenant ? 'P0 needs the tenant contact: set comms.slack.tenantChannel' : "set the app's slackChannel");
    const token = await secret(s.botToken, env, 'comms.slack.botTokenFile');
    return typeof token === 'string' ? createSlackWebApiNotifier({ token, channel, apiUrl: s.apiUrl, timeoutMs }) : unreachable(`slack ${channel}`, token.error);
  }
  const ref = tenant ? s.tenantWebhookUrl : s.webhookUrl;
  const target = `slack webhook ${audience}`;
  if (!ref) return unreachable(target, tenant ? 'P0 needs the tenant contact: set comms.slack.tenantWebhookUrlEnv (or a bot token and tenantChannel)' : 'set comms.slack.webhookUrlEnv or botTokenEnv');
  const url = await secret(ref, env, tenant ? 'comms.slack.tenantWebhookUrlFile' : 'comms.slack.webhookUrlFile');
  return typeof url === 'string' ? createSlackWebhookNotifier({ url, target, timeoutMs }) : unreachable(target, url.error);
}

interface RunComms {
  readonly plan: Plan;
  readonly records: JournalRecord[];
  subs?: Promise<Subscription[]>;
  queue: Promise<void>;
}

export interface CommsWiring {
  readonly clock: Clock;
  readonly retries: number;
  /** The app's severity and channel (from rewind.yaml). */
  appOf(name: string): { readonly name: string; readonly severity: Severity; readonly slackChannel?: string };
  subscriptions(app: { readonly name: string; readonly severity: Severity; readonly slackChannel?: string }, plan: Plan): Promise<Subscription[]>;
}

/**
 * The journal, telling people as records land. Comms never fail the run: every error ends as a
 * `notice` record with state `failed`.
 */
export function notifyingJournal(journal: JournalStore, wiring: CommsWiring): JournalStore {
  const runs = new Map<string, RunComms>();
  const observe = async (record: JournalRecord) => {
    if (record.type === 'notice') return;
    let run = runs.get(record.runId);
    if (!run) {
      const records = record.type === 'run-started' ? [record] : [...(await journal.read(record.runId))];
      const head = records[0];
      if (head?.type !== 'run-started') return;
      run = { plan: head.plan, records, queue: Promise.resolve() };
      runs.set(record.runId, run);
    } else {
      run.records.push(record);
    }
    const event = eventOf(record, run.plan);
    const current = run;
    if (event) {
      current.queue = current.queue.then(async () => {
        let app: ReturnType<CommsWiring['appOf']>;
        try {
          app = wiring.appOf(current.plan.app);
        } catch {
          app = { name: current.plan.app, severity: 'P1' };
        }
        current.subs ??= wiring.subscriptions(app, current.plan);
        const notice = makeNotice(event, noticeFacts(current.plan, app.severity, record.runId, current.records));
        for (const s of await current.subs) {
          if (s.events.includes(event)) await sendNotice(s.notifier, notice, { journal, clock: wiring.clock, retries: wiring.retries, records: current.records });
        }
      }).catch(() => undefined);
    }
    if (record.type === 'run-status' && record.status !== 'running') await current.queue;
  };
  return {
    async append(record) {
      await journal.append(record);
      await observe(record).catch(() => undefined);
    },
    read: (runId) => journal.read(runId),
    listRuns: (app) => journal.listRuns(app),
    acquireLease: (app, runId) => journal.acquireLease(app, runId),
    close: () => journal.close(),
  };
}

/** The one call site: the run's journal, telling the receivers rewind.yaml names (itself when it names none). */
export function withComms(ctx: AppContext, journal: JournalStore, env: NodeJS.ProcessEnv): JournalStore {
  const { comms, runbooks } = ctx.config;
  if (!comms && runbooks.length === 0) return journal;
  return notifyingJournal(journal, {
    clock: ctx.clock,
    retries: comms?.retries ?? 4,
    appOf: (name) => ctx.app(name),
    subscriptions: (app, plan) => subscriptionsFor(comms, runbooks, app, plan, env),
  });
}
