/**
 * Debian's `prometheus` binary, spawned by a test on a free loopback port with the sandbox's
 * prometheus.yml. Found through REWIND_TEST_PROMETHEUS (set by .ci/run); stopped by `stop()`
 * and, failing that, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RealPrometheus {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RealPrometheusOptions {
  /** An existing TSDB folder (kept); default a new temp folder, removed by `stop()`. */
  readonly dataDir?: string;
  readonly retention?: string;
}

export async function startRealPrometheus(binary: string, configFile: string, options: RealPrometheusOptions = {}): Promise<RealPrometheus> {
  const data = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rewind-prom-')));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.retention.time=${options.retention ?? '1h'}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(kill, 5000);
        await exited;
        clearTimeout(t);
      }
      if (!options.dataDir) await rm(data, { recursive: true, force: true });
    },
  };
}
