/**
 * The real `git` for the flag adapters (adapters never import each other, so this is the flag
 * folder's own runner, like `migrations-source`'s). Resolves with the exit code and output.
 */
import { execFile } from 'node:child_process';
import { AdapterError } from '../../core/errors.ts';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type Git = (args: readonly string[]) => Promise<GitResult>;

export function gitIn(path: string, env: Readonly<Record<string, string | undefined>> = process.env): Git {
  const childEnv = { ...env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  return (args) =>
    new Promise((resolve, reject) => {
      execFile('git', ['-C', path, ...args], { env: childEnv, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = (err as { code?: unknown } | null)?.code;
        if (err && typeof code !== 'number') {
          reject(new AdapterError('git', args[0] ?? 'git', code === 'ENOENT' ? 'cannot run git: not installed or not on PATH' : err.message, { cause: err }));
          return;
        }
        resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr });
      });
    });
}

/** Runs and returns stdout, or throws git's first line of complaint (never a URL's credentials). */
export async function must(git: Git, operation: string, args: readonly string[]): Promise<string> {
  const r = await git(args);
  if (r.code !== 0) {
    const line = (r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.code}`).replace(/https?:\/\/[^@\s]+@/g, 'https://***@');
    throw new AdapterError('git', operation, line.replace(/^(fatal|error): /, ''));
  }
  return r.stdout;
}
