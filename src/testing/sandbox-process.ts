/**
 * Starts the sandbox as a child process (`node bin/rewind.js sandbox up`) in a fresh temp
 * folder, for end-to-end tests: everything reaches it over HTTPS, exactly as in real use.
 * The child is killed when `stop()` is called, and also if the test process exits first.
 *
 * ### Examples
 * ```ts
 * const sb = await startSandboxProcess({ speed: 20 });
 * // KUBECONFIG=sb.kubeconfig kubectl get deploy; rewind --config sb.configFile ...
 * await sb.stop();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxState } from '../sandbox/state.ts';

const BIN = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));

export interface SandboxProcessOptions {
  /** Sandbox seconds per real second; tests use 20. */
  readonly speed?: number;
  /** Base port (Kubernetes N, Argo CD N+1); default: free ports. */
  readonly port?: number;
  /** Folder for the sandbox's files; default: a new temp folder, removed by `stop()`. */
  readonly dir?: string;
  /** Real ms to wait for readiness; default 60 s (the machines running the suites are shared and often loaded). */
  readonly timeoutMs?: number;
  /** Speed 1 with sandbox time set to the wall clock (`--wall-clock`), for comparisons with a real Prometheus. */
  readonly wallClock?: boolean;
  /** The sandbox's scrape and alert-evaluation interval (`--scrape-interval`, e.g. `1s`). */
  readonly scrapeInterval?: string;
}

export interface SandboxProcess {
  readonly dir: string;
  readonly pid: number;
  readonly kubeconfig: string;
  /** rewind.yaml for this sandbox. */
  readonly configFile: string;
  readonly argocdUrl: string;
  /** The Argo CD bearer token (the value, not the file). */
  readonly token: string;
  readonly tokenFile: string;
  /** The CA certificate (PEM) both APIs are signed by. */
  readonly ca: string;
  readonly caFile: string;
  /** The bare config repo Argo CD tracks, and its branch. */
  readonly configRepo: { readonly path: string; readonly branch: string };
  readonly clusterUrls: Readonly<Record<string, string>>;
  /** The Prometheus-compatible API and its bearer token (the value). */
  readonly prometheusUrl: string;
  readonly prometheusToken: string;
  readonly state: SandboxState;
  /** Everything the child printed so far (for failure messages). */
  output(): string;
  /** The sandbox's own clock (it runs `speed` times faster than the wall clock). */
  now(): Promise<Date>;
  stop(): Promise<void>;
}

/** The sandbox's time, from its world endpoint on the Argo CD port. */
function sandboxNow(url: string, token: string, ca: string): Promise<Date> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/sandbox/v1/world`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        try {
          resolve(new Date((JSON.parse(body) as { now: string }).now));
        } catch (e) {
          reject(new Error(`the sandbox's world endpoint answered ${res.statusCode}: ${body.slice(0, 200)}`, { cause: e }));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function readState(dir: string): Promise<SandboxState | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

/**
 * Without `port`, the sandbox picks a free base and binds N..N+3 over its startup; under load
 * another process's ephemeral port (any outgoing connection) can take one in between, and the
 * sandbox exits naming it. That race is retried with a new base (a few times), nothing else.
 */
export async function startSandboxProcess(options: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      const raced = options.port === undefined && e instanceof Error && /sandbox exited with \d+ before it was ready:[\s\S]*port \d+ is in use/.test(e.message);
      if (!raced || attempt >= 3) throw e;
    }
  }
}

async function startOnce(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'rewind-sandbox-')));
  const args = [
    BIN, 'sandbox', 'up', '--dir', dir,
    '--speed', String(options.wallClock ? 1 : (options.speed ?? 20)),
    ...(options.port ? ['--port', String(options.port)] : []),
    ...(options.wallClock ? ['--wall-clock'] : []),
    ...(options.scrapeInterval ? ['--scrape-interval', options.scrapeInterval] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  installExitHook();
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    running.delete(child);
  });

  const stop = async (): Promise<void> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      const state = await readState(dir);
      if (state?.ready && state.pid === child.pid) {
        const [token, ca, promToken] = await Promise.all([
          readFile(state.files.argocdToken, 'utf8'),
          readFile(state.files.ca, 'utf8'),
          state.files.prometheusToken ? readFile(state.files.prometheusToken, 'utf8') : '',
        ]);
        return {
          dir,
          pid: state.pid,
          kubeconfig: state.files.kubeconfig,
          configFile: state.files.rewindYaml,
          argocdUrl: state.urls.argocd,
          token: token.trim(),
          tokenFile: state.files.argocdToken,
          ca,
          caFile: state.files.ca,
          configRepo: { path: state.configRepo.path, branch: state.configRepo.branch },
          clusterUrls: state.urls.clusters,
          prometheusUrl: state.urls.prometheus ?? '',
          prometheusToken: promToken.trim(),
          state,
          output: () => out,
          now: () => sandboxNow(state.urls.argocd, token.trim(), ca),
          stop,
        };
      }
      if (exitCode !== undefined) throw new Error(`sandbox exited with ${exitCode} before it was ready:\n${out}`);
      if (Date.now() > deadline) throw new Error(`sandbox not ready after ${options.timeoutMs ?? 60_000} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await stop();
    throw e;
  }
}
