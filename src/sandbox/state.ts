/**
 * `state.json`: what a running sandbox tells the CLI and tests about itself (pid, ports,
 * URLs, files). Written atomically once the sandbox is ready, removed when it stops.
 */
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SandboxState {
  readonly version: 1;
  readonly pid: number;
  readonly ready: boolean;
  /** Real time (ISO) the sandbox became ready. */
  readonly startedAt: string;
  readonly speed: number;
  readonly dir: string;
  /** `prometheus`: the Prometheus-compatible API (bearer token in `files.prometheusToken`); `registry`: the OCI distribution API (absent in a state written by an older sandbox). */
  readonly ports: { readonly kube: number; readonly argocd: number; readonly prometheus?: number; readonly registry?: number };
  readonly urls: { readonly clusters: Readonly<Record<string, string>>; readonly argocd: string; readonly prometheus?: string; readonly registry?: string };
  readonly files: {
    readonly kubeconfig: string;
    readonly argocdToken: string;
    readonly ca: string;
    readonly rewindYaml: string;
    /** Docker's config.json with the registry's pull credentials (mode 0600). */
    readonly dockerConfig?: string;
    readonly prometheusToken?: string;
    /** prometheus.yml for a real Prometheus scraping the same Pods (rules.yml and targets.json beside it). */
    readonly prometheusConfig?: string;
    readonly log?: string;
  };
  readonly configRepo: { readonly path: string; readonly workClone: string; readonly branch: string };
  /** Milliseconds from start to ready. */
  readonly startupMs: number;
}

export const STATE_FILE = 'state.json';

export function statePath(dir: string): string {
  return join(dir, STATE_FILE);
}

export async function readState(dir: string): Promise<SandboxState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(dir), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

export async function writeState(dir: string, state: SandboxState): Promise<void> {
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, statePath(dir));
}

export async function removeState(dir: string, pid?: number): Promise<void> {
  if (pid !== undefined) {
    const current = await readState(dir);
    // Another sandbox may have taken the folder over since; leave its state alone.
    if (current && current.pid !== pid) return;
  }
  await rm(statePath(dir), { force: true });
}

/** True when a process with this pid exists (signal 0 probes without killing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A process that has exited but that no one has reaped still answers signal 0: in a container
 * whose PID 1 does not reap orphans, a detached sandbox that stopped stays a zombie for good, and
 * `sandbox down` waited out its whole grace period for it. Linux's /proc says so (state Z or X).
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux), or gone since the signal: the signal's answer stands
  }
}
