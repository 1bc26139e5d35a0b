/**
 * A started sandbox Kubernetes API for tests: fresh CA, token, kubeconfig with the
 * `us-east` and `eu-west` contexts, and small HTTPS and kubectl helpers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSandboxClock, type SandboxClock } from '../../src/sandbox/clock.ts';
import { startKubeApi, type KubeApi, type KubeApiOptions } from '../../src/sandbox/kube/index.ts';
import { generateSandboxTls, type SandboxTls } from '../../src/sandbox/tls.ts';

export const NAMESPACE = 'bookstore-platform-acme-books';
export const KUBECTL_CURRENT = '/usr/bin/kubectl';
export const KUBECTL_OLD = '/usr/lib/google-cloud-sdk/bin/kubectl.1.27';

export interface Harness {
  readonly api: KubeApi;
  readonly tls: SandboxTls;
  readonly token: string;
  readonly clock: SandboxClock;
  readonly dir: string;
  readonly kubeconfig: string;
  /** An HTTPS request to a cluster path, verified against the sandbox CA. */
  call(cluster: string, method: string, path: string, body?: unknown, contentType?: string, token?: string | null): Promise<{ status: number; body: any }>;
  /** Runs a kubectl binary with this harness's kubeconfig and a private cache dir. */
  kubectl(bin: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startHarness(options: { speed?: number; imageHealth?: KubeApiOptions['imageHealth'] } = {}): Promise<Harness> {
  const tls = generateSandboxTls();
  const token = `sandbox-${Math.random().toString(36).slice(2)}`;
  const clock = createSandboxClock({ speed: options.speed ?? 20 });
  const api = await startKubeApi({ port: 0, tls, token, clusters: ['us-east', 'eu-west'], clock, ...(options.imageHealth ? { imageHealth: options.imageHealth } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'rewind-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(api, tls, token), { mode: 0o600 });

  const call: Harness['call'] = (cluster, method, path, body, contentType, tokenOverride) =>
    new Promise((resolve, reject) => {
      const url = new URL(api.urlFor(cluster) + path);
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { Accept: 'application/json' };
      const bearer = tokenOverride === undefined ? token : tokenOverride;
      if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
      if (payload !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
      const req = request(url, { method, headers, ca: tls.caCert }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(payload);
    });

  const run = promisify(execFile);
  const cacheDir = join(dir, 'cache');
  const kubectl: Harness['kubectl'] = async (bin, args) => {
    try {
      const { stdout, stderr } = await run(bin, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: dir },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  };

  return {
    api,
    tls,
    token,
    clock,
    dir,
    kubeconfig,
    call,
    kubectl,
    stop: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function kubeconfigYaml(api: KubeApi, tls: SandboxTls, token: string): string {
  const ca = Buffer.from(tls.caCert).toString('base64');
  const clusters = ['us-east', 'eu-west'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...clusters.flatMap((c) => [`- name: ${c}`, '  cluster:', `    server: ${api.urlFor(c)}`, `    certificate-authority-data: ${ca}`]),
    'users:',
    '- name: rewind-sandbox',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    ...clusters.flatMap((c) => [`- name: ${c}`, '  context:', `    cluster: ${c}`, '    user: rewind-sandbox', `    namespace: ${NAMESPACE}`]),
    'current-context: us-east',
    '',
  ].join('\n');
}

/** A Deployment manifest like the Bookstore Platform's. */
export function deploymentManifest(name: string, image: string, replicas = 3): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: { app: name }, annotations: { 'kubernetes.io/change-cause': `deploy ${image}` } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ports: [{ containerPort: 8080, name: 'http' }], env: [{ name: 'REGION', value: 'us-east' }] }] },
      },
    },
  };
}

/** Polls `check` (real time) until it returns a truthy value. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
