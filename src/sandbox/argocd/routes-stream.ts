/**
 * `GET /api/v1/stream/applications`: Argo CD's application watch, as upstream serves it.
 *
 * Followed: argo-cd server/application/application.go `Watch` and `isApplicationPermitted`
 * (filters `name`/`appNamespace`/`projects`/`selector`, and `resourceVersion` as a minimum: an
 * app older than it is not sent; the current apps go first as ADDED, sorted by qualified name,
 * when no `resourceVersion` is given or a `name` is), and argoproj/pkg grpc/http/forwarders.go
 * `NewStreamForwarder` (what reaches the wire): each event wrapped as `{"result":{"type",
 * "application"}}`; with `Accept: text/event-stream` as server-sent events (`data: <json> \n\n`,
 * a `:` keepalive line every 15 s), otherwise grpc-gateway's newline-delimited JSON; and an event
 * whose JSON equals the last one sent for the same app is dropped (upstream keys by app name).
 * The stream ends only when the client goes away (or the sandbox's Argo CD stops).
 */
import { matchesLabels, parseLabelSelector } from '../kube/selectors.ts';
import type { Application } from './application.ts';
import type { ArgoContext } from './context.ts';
import { ARGOCD_NAMESPACE } from './in-cluster.ts';
import type { Route } from './http.ts';

const KEEPALIVE_MS = 15_000;

export function streamRoutes(ctx: ArgoContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/stream/applications',
      handle: () => Promise.reject(new Error('a streaming route')),
      stream(req, res, raw) {
        const q = req.query;
        const name = q.get('name') ?? '';
        const appNs = q.get('appNamespace') || ARGOCD_NAMESPACE;
        const projects = new Set([...q.getAll('projects'), ...q.getAll('project')].filter((p) => p !== ''));
        const selector = parseLabelSelector(q.get('selector'));
        const rv = q.get('resourceVersion') ?? '';
        // Upstream: an unparsable resourceVersion is 0 (no minimum).
        const minVersion = Number.parseInt(rv, 10) || 0;
        const permitted = (a: Application): boolean =>
          (projects.size === 0 || projects.has(a.spec.project)) &&
          !(Number.parseInt(a.metadata.resourceVersion ?? '', 10) < minVersion) &&
          (name === '' || (a.metadata.name === name && (a.metadata.namespace ?? ARGOCD_NAMESPACE) === appNs)) &&
          matchesLabels(selector, a.metadata.labels);

        const sse = raw.headers.accept === 'text/event-stream';
        res.writeHead(200, sse ? { 'Content-Type': 'text/event-stream', 'X-Content-Type-Options': 'nosniff' } : { 'Content-Type': 'application/json' });
        res.flushHeaders();
        const lastByApp = new Map<string, string>();
        const send = (type: string, a: Application): void => {
          if (res.writableEnded || !permitted(a)) return;
          const json = JSON.stringify({ result: { type, application: a } });
          if (lastByApp.get(a.metadata.name) === json) return;
          lastByApp.set(a.metadata.name, json);
          res.write(sse ? `data: ${json} \n\n` : `${json}\n`);
        };

        if (rv === '' || name !== '') for (const a of ctx.store.list()) send('ADDED', a);
        const stop = ctx.store.watch((type, a) => send(type, a));
        const keepalive = sse ? setInterval(() => res.writableEnded || res.write(':\n'), KEEPALIVE_MS) : undefined;
        keepalive?.unref();
        const end = (): void => {
          stop();
          clearInterval(keepalive);
        };
        raw.once('close', end);
        res.once('close', end);
      },
    },
  ];
}
