/**
 * Runs the real `git` against one repository (`git -C PATH …`), bare or not. Resolves with the
 * exit code and output instead of throwing on a non-zero exit: for `rev-parse --verify`,
 * `merge-base --is-ancestor` and `diff --quiet` the exit code is the answer.
 */
import { execFile } from 'node:child_process';
import { AdapterError } from '../../core/errors.ts';

export const SYSTEM = 'git';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type GitRunner = (args: readonly string[]) => Promise<GitResult>;

export interface GitRunnerOptions {
  readonly path: string;
  /** The git executable. */
  readonly git?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads run in parallel now (a diff of many files reads each side of each at once): at most this
 * many git processes at a time per rewind process, the rest queue.
 */
const MAX_CONCURRENT = 8;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function createGitRunner(options: GitRunnerOptions): GitRunner {
  const { git, env } = { git: 'git', env: process.env, ...options };
  const childEnv = gitEnv(env);
  return (args) => slot(() => runGit(git, options.path, childEnv, args));
}

/** The environment every git process of rewind runs in. */
export function gitEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  // NOTE: LC_ALL=C keeps stderr in English, which show() reads; no prompt may ever block a CLI run.
  return { ...env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
}

function runGit(git: string, path: string, childEnv: NodeJS.ProcessEnv, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(git, ['-C', path, ...args], { env: childEnv, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (err && typeof code !== 'number') {
        reject(
          new AdapterError(SYSTEM, args[0] ?? 'git', code === 'ENOENT' ? `cannot run ${git}: not installed or not on PATH` : err.message, {
            cause: err,
            hint: code === 'ENOENT' ? 'install git (apt-get install git)' : undefined,
          }),
        );
        return;
      }
      resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr });
    });
  });
}

/** A failed git command as an AdapterError, with git's own first line of complaint. */
export function gitFailure(operation: string, path: string, r: GitResult): AdapterError {
  const line = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.code}`;
  const notRepo = /not a git repository/i.test(line);
  return new AdapterError(SYSTEM, operation, `${line.replace(/^(fatal|error): /, '')} (in ${path})`, {
    hint: notRepo ? 'configRepo.path in rewind.yaml must be a clone (or bare mirror) of the repo Argo CD tracks' : undefined,
  });
}
