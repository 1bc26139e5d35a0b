/**
 * What the `sandbox` commands share: finding the sandbox's folder and state file, and
 * calling its HTTPS endpoints with its CA and token. Only `sandbox up` runs sandbox code;
 * the others talk to the running sandbox over HTTPS, as any client would.
 */
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pidAlive, readSandboxState, type SandboxState } from '../../app/sandbox-host.ts';
import { flagString, type CommandContext } from '../command.ts';
import { AdapterError, UsageError } from '../../core/errors.ts';

export { pidAlive, readSandboxState };

export function sandboxDir(ctx: CommandContext): string {
  return resolve(ctx.io.cwd, flagString(ctx, 'dir') ?? '.rewind/sandbox');
}

/** The state of the sandbox running in `dir`, or a UsageError (exit 2) saying none runs there. */
export async function runningSandbox(dir: string): Promise<SandboxState> {
  const state = await readSandboxState(dir);
  if (!state || !pidAlive(state.pid)) {
    throw new UsageError(`no sandbox is running in ${dir}`, { hint: 'start one with `rewind sandbox up --detach`' });
  }
  return state;
}

export interface ArgoReply {
  readonly status: number;
  readonly body: { error?: string; code?: number; message?: string } & Record<string, unknown>;
}

/** Calls the sandbox's Argo CD port (Argo CD API and CI endpoints) with its CA and token. */
export async function callSandbox(state: SandboxState, method: string, path: string, body?: unknown): Promise<ArgoReply> {
  const [ca, token] = await Promise.all([readFile(state.files.ca, 'utf8'), readFile(state.files.argocdToken, 'utf8')]);
  const url = new URL(path, state.urls.argocd);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      {
        method,
        ca,
        headers: { authorization: `Bearer ${token.trim()}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
        timeout: 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(text) as ArgoReply['body'] });
          } catch {
            resolvePromise({ status: res.statusCode ?? 0, body: { message: text } });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new AdapterError('sandbox', `${method} ${url.pathname}`, e.message, { cause: e, transient: true })));
    req.end(payload);
  });
}
