/**
 * Argo CD's application stream for one app, `GET /api/v1/stream/applications?name=APP`, as a
 * ChangeFeed: every `{"result":{"type","application"}}` line bumps the counter (the wait reads
 * the app itself, so only "something changed" matters here). grpc-gateway's newline-delimited
 * JSON, not server-sent events (argoproj/pkg grpc/http/forwarders.go: SSE only with
 * `Accept: text/event-stream`). A cut stream, an `{"error":…}` line or a non-200 answer marks the
 * feed not live and reconnects after a back-off; upstream sends the app again as ADDED on every
 * (re)connect by name (server/application/application.go Watch), so a change missed while
 * disconnected still wakes the wait. The token goes only into the Authorization header.
 */
import http from 'node:http';
import https from 'node:https';
import { ChangeCounter, type ChangeFeed } from '../../core/change-feed.ts';

export interface AppStreamOptions {
  readonly url: string;
  readonly token: string;
  readonly ca?: string | Buffer;
  readonly insecure?: boolean;
  /** First reconnect delay; doubled up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export function watchApplication(o: AppStreamOptions, name: string): ChangeFeed {
  const counter = new ChangeCounter();
  const base = new URL(o.url);
  const secure = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  let closed = false;
  let current: http.ClientRequest | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let backoff = o.backoffMs ?? 500;

  const broken = (): void => {
    counter.setLive(false);
    current = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect();
    }, backoff);
    retry.unref();
    backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 10_000);
  };

  const connect = (): void => {
    if (closed) return;
    const request = secure ? https.request : http.request;
    const req = request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        path: `${prefix}/api/v1/stream/applications?name=${encodeURIComponent(name)}`,
        method: 'GET',
        headers: { accept: 'application/json', authorization: `Bearer ${o.token}` },
        ...(secure ? { rejectUnauthorized: !o.insecure, ...(o.ca ? { ca: o.ca } : {}) } : {}),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          broken();
          return;
        }
        counter.setLive(true);
        backoff = o.backoffMs ?? 500;
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line === '') continue;
            if (isResult(line)) counter.bump();
            else req.destroy(); // a stream error (`{"error":…}`): reconnect
          }
        });
        res.on('close', broken);
        res.on('error', () => undefined);
      },
    );
    req.on('error', broken);
    // NOTE: an open stream must not keep a finished CLI run alive.
    req.on('socket', (s) => s.unref());
    req.end();
    current = req;
  };

  connect();
  return counter.feed(() => {
    closed = true;
    clearTimeout(retry);
    current?.destroy();
  });
}

/**
 * Whether a line is a result, from its head alone: each line carries a whole Application (tens of
 * KB) and the feed needs none of it, so parsing every event was most of a wait's CPU. Both the
 * gateway's encoder (Go's json.Marshal of `{"result": ApplicationWatchEvent}`, whose `type` field
 * comes first) and the sandbox write this head; an error line starts `{"error":`.
 */
const isResult = (line: string): boolean => /^\{\s*"result"\s*:\s*\{\s*"type"\s*:\s*"/.test(line.slice(0, 64));
