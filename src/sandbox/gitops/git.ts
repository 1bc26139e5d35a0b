/**
 * The real `git`, run as a child process. The sandbox's config repo is an ordinary git
 * repository so that rewind (and a human) can `git log`, `git show` and `git diff` it.
 *
 * Every call is isolated from the user's git configuration, and commit dates come from the
 * sandbox clock, so the history reads as if CI had pushed it over the past days.
 */
import { execFile, spawn } from 'node:child_process';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface GitOptions {
  /** Working directory, or the bare repository itself. */
  readonly cwd: string;
  /** Author and committer date; default: git's own now. */
  readonly date?: Date;
  readonly identity?: GitIdentity;
  /** Bytes written to git's stdin (fast-import streams). */
  readonly input?: string | Buffer;
}

/** Set in the sandbox's own git runs; the config repo's pre-receive hook lets them past protection. */
export const CI_BYPASS_ENV = 'REWIND_SANDBOX_CI';

export const CI_BOT: GitIdentity = { name: 'ci-bot', email: 'ci-bot@acme-books.example' };

export class GitError extends Error {
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string, cause?: unknown) {
    super(`git ${args.join(' ')} failed: ${stderr.trim() || String(cause)}`, { cause });
    this.args = args;
    this.stderr = stderr;
  }
}

function gitEnv(options: GitOptions): NodeJS.ProcessEnv {
  const who = options.identity ?? CI_BOT;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    // NOTE: no HOME/XDG config, no system config: a user's signing or hook settings must not leak in.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: CI_BOT.name,
    GIT_COMMITTER_EMAIL: CI_BOT.email,
    LANG: 'C',
    // The sandbox's own CI (and its merges) may push past branch protection, as a forge's admins can.
    [CI_BYPASS_ENV]: '1',
  };
  if (options.date) {
    const stamp = `${Math.floor(options.date.getTime() / 1000)} +0000`;
    env['GIT_AUTHOR_DATE'] = stamp;
    env['GIT_COMMITTER_DATE'] = stamp;
  }
  return env;
}

/** Runs `git args...` and resolves with its stdout (trailing newline kept). */
export function git(args: readonly string[], options: GitOptions): Promise<string> {
  const fullArgs = ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      fullArgs,
      { cwd: options.cwd, env: gitEnv(options), maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' },
      (error, stdout, stderr) => {
        if (error) reject(new GitError(args, stderr.toString('utf8'), error));
        else resolve(stdout.toString('utf8'));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Streams `git args...` stdout into another process's stdin (`git archive | tar -x`). */
export function gitPipe(args: readonly string[], options: GitOptions, into: { cmd: string; args: readonly string[]; cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const producer = spawn('git', args, { cwd: options.cwd, env: gitEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
    const consumer = spawn(into.cmd, into.args, { cwd: into.cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    producer.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    consumer.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    producer.stdout.pipe(consumer.stdin);
    let pending = 2;
    let failed = false;
    const done = (code: number | null, what: string): void => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new GitError(args, `${what} exited ${code}: ${stderr}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    producer.on('error', (e) => reject(new GitError(args, String(e), e)));
    consumer.on('error', (e) => reject(new GitError(args, String(e), e)));
    producer.on('close', (code) => done(code, 'git'));
    consumer.on('close', (code) => done(code, into.cmd));
  });
}

/** Resolves when `git --version` runs; rejects with the install hint otherwise. */
export async function assertGitAvailable(): Promise<string> {
  try {
    return (await git(['--version'], { cwd: process.cwd() })).trim();
  } catch {
    throw new Error('rewind sandbox needs git on PATH: install it with apt-get install git');
  }
}
