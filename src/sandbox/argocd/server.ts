/**
 * The Argo CD-compatible API server: HTTPS with the sandbox CA, bearer-token auth, the
 * application routes rewind and the `argocd` CLI use, plus whatever extra routes the
 * sandbox adds (its CI endpoints).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArgoContext } from './context.ts';
import { createHandler, type Route } from './http.ts';
import { applicationRoutes } from './routes-applications.ts';
import { operationRoutes } from './routes-operations.ts';
import { resourceRoutes } from './routes-resources.ts';
import { actionRoutes } from './routes-actions.ts';
import { streamRoutes } from './routes-stream.ts';
import { Rbac } from './rbac.ts';
import type { ApiOutage } from './api-outage.ts';
import { errorText } from '../error-text.ts';

export interface ArgoCdApiOptions {
  readonly host?: string;
  readonly port: number;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly token: string;
  readonly context: ArgoContext;
  readonly extraRoutes?: readonly Route[];
  /** The `argocd-api-down|slow` faults: Argo CD's own routes fail while the sandbox's stay (api-outage.ts). */
  readonly outage?: ApiOutage;
  /** Argo CD RBAC (resource actions); default: admin may do everything. */
  readonly rbac?: Rbac;
  log(message: string): void;
}

export interface ArgoCdApi {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const versionRoute: Route = {
  method: 'GET',
  path: '/api/version',
  public: true,
  handle: () =>
    Promise.resolve({
      Version: 'v3.1.0+sandbox',
      BuildDate: '2025-08-01T00:00:00Z',
      GitCommit: '0000000000000000000000000000000000000000',
      GitTreeState: 'clean',
      GoVersion: 'go1.24.4',
      Compiler: 'gc',
      Platform: 'linux/amd64',
      KustomizeVersion: 'v5.5.0',
      KubectlVersion: 'v0.33.1',
    }),
};

export async function startArgoCdApi(options: ArgoCdApiOptions): Promise<ArgoCdApi> {
  const routes: Route[] = [
    versionRoute,
    ...applicationRoutes(options.context),
    ...operationRoutes(options.context),
    ...resourceRoutes(options.context),
    ...actionRoutes(options.context, options.rbac ?? new Rbac()),
    ...streamRoutes(options.context),
    ...(options.extraRoutes ?? []),
  ];
  const handler = createHandler(routes, options.token, (e, request) => options.log(`argocd api: ${request}: ${errorText(e)}`));
  const outage = options.outage;
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    if (!outage) return void handler(req, res);
    void outage.gate(req, res).then((serve) => (serve ? handler(req, res) : undefined));
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
