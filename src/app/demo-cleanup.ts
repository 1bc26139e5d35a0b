/**
 * The demo's sandbox folder (/tmp/rewind-demo-*) and its detached sandbox go on every exit path:
 * a sandbox that never came up, an error, Ctrl-C, SIGTERM, and a second Ctrl-C (`process.exit`).
 */
import { readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { statePath } from '../sandbox/state.ts';

export interface DemoCleanup {
  /** The demo's own signal: the caller's, aborted too on SIGTERM so the demo unwinds through its `finally`. */
  readonly signal: AbortSignal;
  /** Stops the sandbox (`stop`: `rewind sandbox down`, which waits for it) and removes the folder; idempotent. */
  done(stop: () => Promise<unknown>): Promise<void>;
}

/**
 * The sandbox runs detached (its own process group, `sandbox-up.ts`): nothing kills it with us. A
 * SIGTERM aborts the demo and lets `done` stop it the slow, clean way; only when the process exits
 * before that (`process.exit` on a second Ctrl-C) does the synchronous path kill its group outright.
 */
export function demoCleanup(dir: string, callerSignal: AbortSignal, keep: boolean): DemoCleanup {
  const local = new AbortController();
  const signal = AbortSignal.any([callerSignal, local.signal]);
  let finished = false;
  // A second SIGTERM does not wait for the unwinding: `exit` below still takes the sandbox down.
  const onSigterm = (): void => (local.signal.aborted ? process.exit(143) : local.abort(new Error('terminated (SIGTERM): stopping the demo and its sandbox')));
  const onExit = (): void => {
    if (!finished && !keep) removeNow(dir);
  };
  process.on('SIGTERM', onSigterm);
  process.on('exit', onExit);
  return {
    signal,
    async done(stop) {
      if (finished) return;
      finished = true;
      process.off('SIGTERM', onSigterm);
      process.off('exit', onExit);
      if (keep) return;
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    },
  };
}

/** `exit` handlers cannot wait: SIGKILL the sandbox's process group (it and its git children write nothing after) and remove the folder. */
function removeNow(dir: string): void {
  try {
    const { pid } = JSON.parse(readFileSync(statePath(dir), 'utf8')) as { pid?: unknown };
    if (typeof pid === 'number' && pid > 0) process.kill(-pid, 'SIGKILL');
  } catch {
    // No state file yet (the sandbox is still starting) or it is gone already.
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Best effort on the way out; nothing is left to report it to.
  }
}
