import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind, stateFor, type CliRun } from './cli.ts';

const bin = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));

export interface AppStatus {
  revision: string;
  syncRevision: string;
  historyId: number;
  sync: string;
  health: string;
  syncPolicy: { autoSync: boolean; automated: { prune: boolean; selfHeal: boolean; enabled: boolean } | null };
  source: { targetRevision: string };
  hold: { runId: string; state: string } | null;
  holdSummary: string | null;
  runningDigests: string[];
}

/** One app of one sandbox, driven through the CLI as an on-call engineer would. */
export function incident(sb: SandboxProcess, app: string, env: NodeJS.ProcessEnv = { REWIND_CONFIG: sb.configFile }) {
  const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => rewind(args, { env: { ...env, ...extra } });
  const json = async <T>(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<{ r: CliRun; doc: T }> => {
    const r = await run([...args, '-o', 'json'], extra);
    return { r, doc: (r.stdout.trim() ? JSON.parse(r.stdout) : undefined) as T };
  };
  const status = async () => (await json<AppStatus>(['status', app])).doc;
  /** Waits on a condition of the app's status (polling the CLI; the sandbox's clock runs fast). */
  const until = async (what: string, ok: (s: AppStatus) => boolean): Promise<AppStatus> => {
    let last: AppStatus | undefined;
    for (let i = 0; i < 240; i++) {
      last = await status();
      if (last && ok(last)) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${what}: last status ${JSON.stringify(last)}`);
  };
  return {
    run,
    json,
    status,
    until,
    /**
     * CI ships a bad revision; returns once Argo CD has synced it and the Pods run it, with
     * `shipped`: the digests it brought (Pods also run a sidecar and an init container it leaves alone).
     */
    async breakIt(): Promise<AppStatus & { shipped: string[] }> {
      const before = await status();
      const b = await run(['sandbox', 'break', app, '--dir', sb.dir]);
      assert.equal(b.code, 0, b.stderr);
      // Done when as many digests run as before, one of them new.
      const s = await until('the bad deploy', (s) => s.historyId > before.historyId && s.sync === 'Synced' && s.health === 'Healthy' && s.runningDigests.length === before.runningDigests.length && s.runningDigests.some((d) => !before.runningDigests.includes(d)));
      return { ...s, shipped: s.runningDigests.filter((d) => !before.runningDigests.includes(d)) };
    },
    async revert(revision: string): Promise<void> {
      const r = await run(['sandbox', 'revert', app, '--dir', sb.dir, '--revision', revision]);
      assert.equal(r.code, 0, r.stderr);
    },
    /** Runs rewind with REWIND_FAULT set; the process must die by SIGKILL at that point. */
    crash(args: readonly string[], fault: string): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1', ...stateFor(env), ...env, REWIND_FAULT: fault }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.resume();
        child.on('close', (_code, signal) => resolve({ signal, stderr }));
      });
    },
  };
}
