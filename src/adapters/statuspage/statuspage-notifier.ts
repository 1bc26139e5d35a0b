/**
 * P0's status-page entry: an incident created when the run starts, updated as it mitigates and
 * verifies, resolved when the follow-up is done. Two shapes:
 * - a generic JSON webhook (POST `{ type: incident.created|updated|resolved, incident }`), for
 *   status pages rewind does not know (the receiver keys incidents by the run id);
 * - Atlassian Statuspage's REST API v1 (https://developer.statuspage.io/#tag/incidents):
 *   `POST /pages/{page_id}/incidents` then `PATCH /pages/{page_id}/incidents/{incident_id}`,
 *   `Authorization: OAuth <api key>`, statuses investigating → identified → monitoring → resolved.
 */
import type { CommsEvent, Notice } from '../../core/comms.ts';
import { DeliveryError } from '../../core/comms.ts';
import { httpDeliveryError, requestDeliveryError, retryAfterMs } from '../../core/delivery-errors.ts';
import type { Notifier } from '../../core/ports.ts';

type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

const STATUS: Readonly<Record<CommsEvent, IncidentStatus>> = {
  started: 'investigating',
  mitigated: 'identified',
  verified: 'monitoring',
  failed: 'investigating',
  'follow-up-done': 'resolved',
};

/** What a status page reader sees: the service and region, not rewind's internals. */
export const incidentTitle = (n: Notice) => `${n.facts.service} degraded in ${n.facts.region}`;

export interface WebhookStatusPageOptions {
  /** A secret (webhook URLs carry their credential). */
  readonly url: string;
  readonly timeoutMs: number;
}

export function createWebhookStatusPage(opts: WebhookStatusPageOptions): Notifier {
  const target = 'statuspage webhook';
  return {
    target,
    async deliver(notice, thread, { signal }) {
      const status = STATUS[notice.event];
      const type = status === 'resolved' ? 'incident.resolved' : thread === undefined ? 'incident.created' : 'incident.updated';
      const body = {
        type,
        incident: {
          id: thread?.ref ?? notice.facts.runId,
          title: incidentTitle(notice),
          status,
          message: notice.text,
          app: notice.facts.app,
          severity: notice.facts.severity,
          event: notice.event,
        },
      };
      await send(target, opts.url, 'POST', body, {}, opts.timeoutMs, signal);
      return { ref: thread?.ref ?? notice.facts.runId };
    },
  };
}

export interface AtlassianStatusPageOptions {
  readonly apiUrl: string;
  readonly pageId: string;
  /** A secret. */
  readonly apiKey: string;
  readonly componentIds: readonly string[];
  readonly timeoutMs: number;
}

export function createAtlassianStatusPage(opts: AtlassianStatusPageOptions): Notifier {
  const target = `statuspage atlassian ${opts.pageId}`;
  const base = `${opts.apiUrl.replace(/\/+$/, '')}/pages/${encodeURIComponent(opts.pageId)}/incidents`;
  const headers = { authorization: `OAuth ${opts.apiKey}` };
  return {
    target,
    async deliver(notice, thread, { signal }) {
      const status = STATUS[notice.event];
      const componentStatus = status === 'resolved' ? 'operational' : 'major_outage';
      const components = Object.fromEntries(opts.componentIds.map((id) => [id, componentStatus]));
      const incident = {
        ...(thread === undefined ? { name: incidentTitle(notice), impact_override: 'major' } : {}),
        status,
        body: notice.text,
        ...(opts.componentIds.length ? { component_ids: [...opts.componentIds], components } : {}),
        deliver_notifications: true,
      };
      if (thread === undefined) {
        const created = await send(target, base, 'POST', { incident }, headers, opts.timeoutMs, signal);
        const id = (created as { id?: unknown } | undefined)?.id;
        if (typeof id !== 'string') throw new DeliveryError(`${target}: the created incident has no id`, { retryable: false });
        return { ref: id };
      }
      await send(target, `${base}/${encodeURIComponent(thread.ref)}`, 'PATCH', { incident }, headers, opts.timeoutMs, signal);
      return { ref: thread.ref };
    },
  };
}

async function send(target: string, url: string, method: string, body: unknown, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (e) {
    throw requestDeliveryError(target, e);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw httpDeliveryError(target, res.status, retryAfterMs(res.headers.get('retry-after'), Date.now()));
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
