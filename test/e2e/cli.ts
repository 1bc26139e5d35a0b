import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Tests never write into the machine's state directory: a sandbox's runs live beside it
 * (`<sandbox dir>/state`), unless the test names another state directory itself.
 */
export function stateFor(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const config = env?.['REWIND_CONFIG'];
  return config ? { REWIND_STATE_DIR: join(dirname(config), 'state') } : { REWIND_STATE_DIR: join(tmpdir(), 'rewind-e2e-state') };
}

/** Runs the real CLI as a user would (a child process, no TTY) and captures everything. */
export function rewind(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', ...stateFor(opts.env), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
