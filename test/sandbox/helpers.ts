/** Helpers for the sandbox's end-to-end tests: HTTPS calls with the sandbox CA, kubectl, git, polling. */
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { promisify } from 'node:util';
import type { SandboxProcess } from '../../src/testing/sandbox-process.ts';

const exec = promisify(execFile);

export const CATALOG = 'bookstore-catalog-us-east';
export const NAMESPACE = 'bookstore-platform-acme-books';

export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** What a call to the sandbox's Argo CD needs. */
export type ArgoEndpoint = Pick<SandboxProcess, 'argocdUrl' | 'ca' | 'token'>;

/** Calls the sandbox's Argo CD port; `token: null` sends none. */
export function argo<T = any>(sb: ArgoEndpoint, method: string, path: string, body?: unknown, token: string | null = sb.token): Promise<Reply<T>> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.argocdUrl), {
      method,
      ca: sb.ca,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as T }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function kubectl(sb: SandboxProcess, args: readonly string[], context = 'us-east'): Promise<string> {
  const { stdout } = await exec('kubectl', ['--kubeconfig', sb.kubeconfig, '--context', context, '--cache-dir', `${sb.dir}/.kube-cache`, ...args]);
  return stdout;
}

export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await exec('git', ['-c', 'user.name=Test Author', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  return stdout.trim();
}

/** Polls `probe` every 100 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e as Error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The digests the service container of the Pods of `app=<name>` really runs
 * (`status.containerStatuses[].imageID`; the sidecar and init container are left out), sorted and deduplicated.
 */
export async function runningDigests(sb: SandboxProcess, app = 'catalog'): Promise<string[]> {
  const out = await kubectl(sb, ['get', 'pods', '-l', `app=${app}`, '-o', `jsonpath={.items[*].status.containerStatuses[?(@.name=="${app}")].imageID}`]);
  return [...new Set(out.split(/\s+/).filter(Boolean).map((id) => id.slice(id.indexOf('@') + 1)))].sort();
}

export async function getApp(sb: ArgoEndpoint, name = CATALOG): Promise<any> {
  const r = await argo(sb, 'GET', `/api/v1/applications/${name}`);
  if (r.status !== 200) throw new Error(`GET ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The app is Synced and Healthy and its pods all run `digest`. */
export async function settledOn(sb: SandboxProcess, digest: string, name = CATALOG, service = 'catalog'): Promise<boolean> {
  const app = await getApp(sb, name);
  if (app.status.health.status !== 'Healthy') return false;
  const digests = await runningDigests(sb, service);
  return digests.length === 1 && digests[0] === digest;
}

/**
 * Waits until `seconds` of sandbox time have passed, read from the controller's own clock (an
 * app's `status.reconciledAt`, rewritten every reconcile): "nothing put it back" needs time to
 * pass, and wall-clock sleeps would depend on the machine's load.
 */
export async function sandboxSecondsPass(sb: ArgoEndpoint, seconds: number, app = CATALOG): Promise<void> {
  const start = Date.parse((await getApp(sb, app)).status.reconciledAt);
  await waitFor(`${seconds} sandbox seconds`, async () => Date.parse((await getApp(sb, app)).status.reconciledAt) >= start + seconds * 1000);
}

/** PATCH an Application with a JSON merge patch, as `argocd app patch --type merge` does. */
export function mergePatch(sb: ArgoEndpoint, app: string, patch: unknown): Promise<Reply<any>> {
  return argo(sb, 'PATCH', `/api/v1/applications/${app}`, { name: app, patchType: 'merge', patch: JSON.stringify(patch) });
}
