/**
 * A Kubernetes watch on one Deployment or Rollout (`?watch=true&fieldSelector=metadata.name=…`),
 * as a ChangeFeed: every ADDED/MODIFIED/DELETED line bumps the counter; BOOKMARKs do not. The
 * request goes out with the official KubeConfig's TLS and auth (`applyToHTTPSOptions`: contexts,
 * client certificates, exec/token plugins), not a hand-rolled kubeconfig reader. Followed:
 * apimachinery's watch protocol (staging/src/k8s.io/apimachinery/pkg/watch/json: one
 * `{"type","object"}` per line; an ERROR carries a Status, e.g. 410 Expired). No resourceVersion is
 * sent, so every (re)connect starts with the object as ADDED: a change missed while the stream
 * was down still wakes the wait, and a 410 cannot happen. A cut or refused stream marks the feed
 * not live and reconnects after a back-off; the wait polls meanwhile. `watchNamed` is the same watch
 * on any one object (the flag wait's ConfigMap).
 */
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ChangeCounter, type ChangeFeed } from '../../core/change-feed.ts';
import type { WorkloadRef } from '../../core/domain.ts';

export interface WatchOptions {
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export function watchWorkload(kc: KubeConfig, ref: WorkloadRef, o: WatchOptions = {}): ChangeFeed {
  const collection =
    ref.kind === 'Deployment' ? `/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/deployments` : `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(ref.namespace)}/rollouts`;
  return watchNamed(kc, collection, ref.name, o);
}

/**
 * The same watch on one object of any collection (`/api/v1/namespaces/NS/configmaps`, ...).
 * `kc` may be a promise-returning factory, so a caller that may never watch loads no kubeconfig.
 */
export function watchNamed(kc: KubeConfig | (() => Promise<KubeConfig>), collection: string, name: string, o: WatchOptions = {}): ChangeFeed {
  const counter = new ChangeCounter();
  const query = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true', fieldSelector: `metadata.name=${name}` });
  let config: KubeConfig | undefined = typeof kc === 'function' ? undefined : kc;
  let closed = false;
  let current: { destroy(): void } | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let backoff = o.backoffMs ?? 500;

  const broken = (): void => {
    counter.setLive(false);
    current = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoff);
    retry.unref();
    backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 10_000);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const opts: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    let server: string | undefined;
    try {
      config ??= await (kc as () => Promise<KubeConfig>)();
      server = config.getCurrentCluster()?.server;
      if (server === undefined) return;
      await config.applyToHTTPSOptions(opts);
    } catch {
      return broken();
    }
    if (closed) return;
    const url = new URL(`${server.replace(/\/+$/, '')}${collection}?${query.toString()}`);
    const req = https.request(url, opts, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return broken();
      }
      counter.setLive(true);
      backoff = o.backoffMs ?? 500;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const type = eventType(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') counter.bump();
          else if (type === 'ERROR') req.destroy();
        }
      });
      res.on('close', broken);
      res.on('error', () => undefined);
    });
    req.on('error', broken);
    // NOTE: an open watch must not keep a finished CLI run alive.
    req.on('socket', (s) => s.unref());
    req.end();
    current = req;
  };

  void connect();
  return counter.feed(() => {
    closed = true;
    clearTimeout(retry);
    current?.destroy();
  });
}

/**
 * An event's type from the line's head (apimachinery's watch.Event marshals `type` before
 * `object`): the object itself is not needed, and parsing each one was most of a wait's CPU.
 */
function eventType(line: string): string | undefined {
  if (line.trim() === '') return undefined;
  return /^\{\s*"type"\s*:\s*"([A-Z]+)"/.exec(line.slice(0, 64))?.[1] ?? 'ERROR';
}
