/**
 * Port choice for the sandbox: `--port N` is a base (Kubernetes API on N, Argo CD on N+1,
 * N+2 kept for the Prometheus API, N+3 the OCI registry); without it, a free base is found.
 */
import { createServer } from 'node:net';

export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number) {
    super(`port ${port} is in use; pick another with --port or stop what holds it`);
    this.port = port;
  }
}

/** Resolves with the port bound (0 picks one), or rejects with PortInUseError. */
export function probePort(port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new PortInUseError(port) : e));
    srv.listen(port, host, () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}

export const PORTS_PER_SANDBOX = 4;

/** Checks that N..N+3 are free; throws PortInUseError naming the first taken one. */
export async function checkBase(base: number): Promise<void> {
  for (let i = 0; i < PORTS_PER_SANDBOX; i++) await probePort(base + i);
}

/** A base N with N..N+3 free right now. */
export async function findFreeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await probePort(0);
    if (base + PORTS_PER_SANDBOX > 65535) continue;
    try {
      await checkBase(base);
      return base;
    } catch {
      // taken by someone else meanwhile: try another
    }
  }
  throw new Error('no free port range found on 127.0.0.1');
}
