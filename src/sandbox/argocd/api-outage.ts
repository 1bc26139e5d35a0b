/**
 * argocd-server down or slow while the application controller keeps running: the two are separate
 * Deployments upstream (`argocd-server`, `argocd-application-controller`), and the controller
 * reconciles and self-heals from the CRs it watches whether or not the API answers
 * (`controller/appcontroller.go` needs no argocd-server). The sandbox's own routes
 * (`/api/sandbox/...`: CI, faults, forge) share the port and stay up, so a test can end the fault.
 *
 * - `down`: the connection is dropped before any answer, as a crashed or restarting pod's is
 *   (clients see a reset / "socket hang up", never an HTTP status).
 * - `slow`: every answer waits `slowMs` real milliseconds first, then the request is served in
 *   full. A client that gave up still gets its write applied later, as with a real overloaded
 *   server: a timeout never cancels server-side work.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ApiOutageMode = 'up' | 'down' | 'slow';

export class ApiOutage {
  #mode: ApiOutageMode = 'up';
  #slowMs = 30_000;
  readonly #waiting = new Set<() => void>();

  get mode(): ApiOutageMode {
    return this.#mode;
  }

  set(mode: ApiOutageMode, slowMs?: number): void {
    this.#mode = mode;
    if (slowMs !== undefined) this.#slowMs = slowMs;
    // Requests held by `slow` are served now when the API is back (and dropped when it went down).
    if (mode !== 'slow') for (const wake of [...this.#waiting]) wake();
  }

  /** Resolves true when the request should be served (after any delay), false when it was dropped. */
  async gate(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if ((req.url ?? '').startsWith('/api/sandbox/') || this.#mode === 'up') return true;
    if (this.#mode === 'slow') {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.#slowMs);
        this.#waiting.add(wake);
        res.once('close', wake);
      });
      if (res.destroyed) return false;
      if (this.mode !== 'down') return true;
    }
    req.resume();
    res.destroy();
    return false;
  }
}
