import { execFile, spawn } from 'node:child_process';
import { AdapterError, NotFoundError, UsageError } from '../../core/errors.ts';

// NOTE: errors are recognised by git's English text; no prompt may ever block a CLI run.
const gitEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };

/** Runs `git -C repo ...args` and returns stdout; failures become rewind errors (never raw throws). */
export function git(repo: string, args: readonly string[], maxBuffer = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', repo, ...args], { maxBuffer, encoding: 'utf8', env: gitEnv }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const msg = (stderr || err.message).trim().split('\n')[0] ?? '';
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new AdapterError('git', args[0] ?? 'git', 'git is not installed', { cause: err }));
      if (/not a git repository|cannot change to/i.test(msg)) return reject(new UsageError(`${repo} is not a git repository`, { cause: err }));
      reject(new AdapterError('git', args[0] ?? 'git', msg, { cause: err }));
    });
  });
}

/** The commit a full hash names, when the caller's config repo already knows it; undefined otherwise. */
export type KnownCommit = (rev: string) => Promise<string | undefined>;

/**
 * Resolves a revision to a commit hash; a revision that does not exist is the user's error (exit 2).
 * `known`: a full hash a plan's config repo already resolved costs no process here (two per plan,
 * issue 19); anything it cannot say, and every error message, is rev-parse's as before.
 */
export async function resolveRevision(repo: string, rev: string, known?: KnownCommit): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`revision "${rev}" must not start with "-"`);
  if (known && /^[0-9a-f]{40}$/.test(rev)) {
    const commit = await known(rev).catch(() => undefined);
    if (commit !== undefined) return commit;
  }
  try {
    return (await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new NotFoundError(`revision "${rev}" does not exist in ${repo}`, { hint: 'use a commit hash, tag or branch that `git -C REPO log` shows', cause: e });
  }
}

export interface Blob {
  readonly path: string;
  /** undefined when the path does not exist at that revision. */
  readonly bytes: Uint8Array | undefined;
}

/**
 * Reads many `rev:path` blobs through one `git cat-file --batch` process (hundreds of
 * migrations would otherwise cost a process each). Size caps are the decoder's business.
 */
export function readBlobs(repo: string, rev: string, paths: readonly string[]): Promise<Blob[]> {
  if (paths.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'], env: gitEnv });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => reject(new AdapterError('git', 'cat-file', e.message, { cause: e })));
    child.on('close', (code) => {
      if (code !== 0) return reject(new AdapterError('git', 'cat-file', stderr.trim() || `exit ${code}`));
      const out = Buffer.concat(chunks);
      const blobs: Blob[] = [];
      let off = 0;
      for (const path of paths) {
        const nl = out.indexOf(10, off);
        const header = out.subarray(off, nl).toString();
        off = nl + 1;
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          blobs.push({ path, bytes: undefined });
          continue;
        }
        const size = Number(header.split(' ')[2] ?? 0);
        blobs.push({ path, bytes: out.subarray(off, off + size) });
        off += size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(paths.map((p) => `${rev}:${p}`).join('\n') + '\n');
  });
}
