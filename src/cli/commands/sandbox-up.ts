/**
 * `rewind sandbox up`: serves the sandbox in the foreground until SIGINT/SIGTERM, or with
 * `--detach` starts itself again as a background process (output to `<dir>/sandbox.log`)
 * and returns once that process's state file says it is ready.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxState } from '../../app/sandbox-host.ts';
import { rewindBin } from '../../app/rewind-bin.ts';
import { flagBool, flagString, type CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { ExitCode, UsageError, AdapterError } from '../../core/errors.ts';
import { pidAlive, readSandboxState, sandboxDir } from './sandbox-common.ts';

const BIN = rewindBin();
const READY_TIMEOUT_MS = 60_000;

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65533) throw new UsageError(`--port must be a port number (0-65533), not "${v}"`);
  return n;
}

function parseSpeed(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new UsageError(`--speed must be a number above 0 (at most 1000), not "${v}"`);
  return n;
}

/** `--bench-history N`, `--bench-commits N`: the bench world's size (see `world/bench-past.ts`). */
function parseCount(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`--${flag} must be a whole number from 1 to 100000, not "${v}"`);
  return n;
}

interface BenchFlags {
  readonly benchHistory?: number;
  readonly benchCommits?: number;
  readonly scrapeIntervalMs?: number;
  readonly wallClock?: boolean;
}

/** `--scrape-interval 1s`: how often the sandbox scrapes its Pods and evaluates alerts (sandbox time). */
function parseInterval(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(ms|s|m)$/.exec(v);
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : NaN;
  if (!(ms >= 100 && ms <= 300_000)) throw new UsageError(`--scrape-interval must be a duration from 100ms to 5m (e.g. 1s, 15s), not "${v}"`);
  return ms;
}

function describe(state: SandboxState): string {
  const clusters = Object.entries(state.urls.clusters).map(([name, url]) => `${url} (${name})`);
  return [
    `rewind sandbox is up: pid ${state.pid}, speed ${state.speed}x, ready in ${(state.startupMs / 1000).toFixed(1)} s`,
    `  Kubernetes API  ${clusters.join('\n                  ')}`,
    `  Argo CD API     ${state.urls.argocd}`,
    ...(state.urls.registry ? [`  OCI registry    ${state.urls.registry} (serves ghcr.io/acme/*)`] : []),
    ...(state.urls.prometheus ? [`  Prometheus API  ${state.urls.prometheus} (token ${state.files.prometheusToken ?? '?'})`] : []),
    ...(state.files.prometheusConfig ? [`  prometheus.yml  ${state.files.prometheusConfig}`] : []),
    `  kubeconfig      ${state.files.kubeconfig}`,
    `  argocd token    ${state.files.argocdToken}`,
    ...(state.files.dockerConfig ? [`  docker config   ${state.files.dockerConfig}`] : []),
    `  CA              ${state.files.ca}`,
    `  rewind.yaml     ${state.files.rewindYaml}`,
    `  config repo     ${state.configRepo.path} (branch ${state.configRepo.branch})`,
    `  state           ${join(state.dir, 'state.json')}`,
    ...(state.files.log ? [`  log             ${state.files.log}`] : []),
    '',
    `Try: KUBECONFIG=${state.files.kubeconfig} kubectl get deploy`,
    '',
  ].join('\n');
}

function print(ctx: CommandContext, state: SandboxState): void {
  const format = parseOutputFormat(ctx.global.output);
  ctx.io.stdout.write(format === 'table' ? describe(state) : renderDocument(format, state));
}

async function detach(ctx: CommandContext, dir: string, port: number | undefined, speed: number | undefined, bench: BenchFlags): Promise<number> {
  await mkdir(dir, { recursive: true });
  const logFile = join(dir, 'sandbox.log');
  const log = await open(logFile, 'w');
  const args = [
    BIN, 'sandbox', 'up', '--dir', dir,
    ...(port !== undefined ? ['--port', String(port)] : []),
    ...(speed !== undefined ? ['--speed', String(speed)] : []),
    ...(bench.benchHistory !== undefined ? ['--bench-history', String(bench.benchHistory)] : []),
    ...(bench.benchCommits !== undefined ? ['--bench-commits', String(bench.benchCommits)] : []),
    ...(bench.scrapeIntervalMs !== undefined ? ['--scrape-interval', `${bench.scrapeIntervalMs}ms`] : []),
    ...(bench.wallClock ? ['--wall-clock'] : []),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log.fd, log.fd], cwd: ctx.io.cwd, env: { ...ctx.io.env, REWIND_SANDBOX_LOG: logFile } });
  await log.close();
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = await readSandboxState(dir);
    if (state?.ready && state.pid === child.pid) {
      print(ctx, state);
      return ExitCode.Ok;
    }
    if (exited !== undefined) {
      const lines = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n');
      const reason = lines.find((l) => l.startsWith('error:'))?.slice('error:'.length).trim() ?? lines.pop() ?? `exited with ${exited}`;
      if (exited === ExitCode.Usage) throw new UsageError(reason);
      throw new AdapterError('sandbox', 'start', `${reason} (see ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (child.pid) process.kill(child.pid, 'SIGTERM');
  throw new AdapterError('sandbox', 'start', `not ready after ${READY_TIMEOUT_MS / 1000} s (see ${logFile})`);
}

export async function run(ctx: CommandContext): Promise<number> {
  const dir = sandboxDir(ctx);
  const port = parsePort(flagString(ctx, 'port'));
  const speed = parseSpeed(flagString(ctx, 'speed'));
  const history = parseCount('bench-history', flagString(ctx, 'bench-history'));
  const commits = parseCount('bench-commits', flagString(ctx, 'bench-commits'));
  const interval = parseInterval(flagString(ctx, 'scrape-interval'));
  const wallClock = flagBool(ctx, 'wall-clock');
  if (wallClock && speed !== undefined && speed !== 1) throw new UsageError(`--wall-clock runs the sandbox at speed 1; drop --speed ${speed}`);
  const bench: BenchFlags = {
    ...(history !== undefined ? { benchHistory: history } : {}),
    ...(commits !== undefined ? { benchCommits: commits } : {}),
    ...(interval !== undefined ? { scrapeIntervalMs: interval } : {}),
    ...(wallClock ? { wallClock: true } : {}),
  };
  const existing = await readSandboxState(dir);
  if (existing && existing.pid !== process.pid && pidAlive(existing.pid)) {
    throw new UsageError(`a sandbox is already running in ${dir} (pid ${existing.pid})`, { hint: 'stop it with `rewind sandbox down`, or pass another --dir' });
  }
  if (flagBool(ctx, 'detach')) return detach(ctx, dir, port, speed, bench);

  const { startSandbox, PortInUseError } = await (await import('../../app/sandbox-host.ts')).loadSandbox();
  const logLine = (line: string): void => void ctx.io.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let sandbox;
  try {
    sandbox = await startSandbox({ dir, ...(port ? { port } : {}), ...(speed ? { speed } : {}), ...bench, log: logLine, ...(ctx.io.env['REWIND_SANDBOX_LOG'] ? { logFile: ctx.io.env['REWIND_SANDBOX_LOG'] } : {}) });
  } catch (e) {
    if (e instanceof PortInUseError) throw new UsageError(e.message);
    throw e;
  }
  const state = await readSandboxState(dir);
  if (state) print(ctx, state);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGTERM', () => resolve());
  });
  await sandbox.close();
  ctx.io.stderr.write('sandbox stopped\n');
  return ExitCode.Ok;
}
