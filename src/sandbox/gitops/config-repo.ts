/**
 * The Bookstore Platform config repo: a bare repository (what Argo CD tracks) and a work
 * clone that the sandbox's "CI" commits in and pushes from, like a deploy pipeline would.
 * Argo CD reads revisions out of the bare repo only.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CI_BYPASS_ENV, git, gitPipe, type GitIdentity } from './git.ts';
import { importCommits, type SeedCommit } from './fast-import.ts';

export interface ConfigRepo {
  /** The bare repository Argo CD tracks (`spec.source.repoURL` points here). */
  readonly bareDir: string;
  readonly workDir: string;
  readonly branch: string;
  readonly repoURL: string;
  /** Hashes of the seeded history, oldest first. */
  readonly seeded: readonly string[];
  /** A branch, tag, `HEAD` or (short) hash -> the full commit hash, read from the bare repo. */
  resolve(revision: string): Promise<string>;
  /** The tree at `commit`, extracted once into a cache folder; returns the folder. */
  checkout(commit: string): Promise<string>;
  /** CI: commit `files` on top of the tracked branch and push it; returns the new hash. */
  commit(change: { files: Record<string, string | null>; message: string; date: Date; author: GitIdentity }): Promise<string>;
  /** A developer: commit `files` on top of `base` on another branch (a fix's pull request) and push it; returns the new hash. */
  commitOnBranch(name: string, base: string, change: { files: Record<string, string | null>; message: string; date: Date; author: GitIdentity }): Promise<string>;
  /** CI: `git revert` one commit on the tracked branch and push it; returns the new hash. */
  revert(commit: string, date: Date, author: GitIdentity): Promise<string>;
  /** The files a commit changed, relative to the repo root. */
  changedFiles(commit: string): Promise<string[]>;
  subject(commit: string): Promise<string>;
  /** A file's content at `commit`. */
  readFile(commit: string, path: string): Promise<string>;
  /**
   * A git outage: the bare repo is moved aside (every reader, rewind's own git included, finds
   * no repository) and every method here fails with `RepoUnreachable` until it is back.
   */
  setOffline(offline: boolean): Promise<void>;
  readonly offline: boolean;
  /**
   * Branch protection, as a forge enforces it: pushes to a protected branch are refused by the
   * repository's pre-receive hook (except the sandbox's own CI), with GitHub's words.
   */
  protect(branch: string, on: boolean): Promise<void>;
  readonly protectedBranches: readonly string[];
  /** A reviewer merges `branch` (e.g. rewind/revert-RUN) into the tracked branch, as a pull request would; returns the merge commit. */
  merge(branch: string, date: Date, author: GitIdentity): Promise<string>;
  close(): Promise<void>;
}

/**
 * The bare repo's pre-receive hook: refuses updates of the branches listed in
 * `protected-branches`, printing GitHub's messages (`GH006`), so a client sees what it would see
 * from a protected branch on a forge (`! [remote rejected] … (pre-receive hook declined)`).
 */
const PRE_RECEIVE = `#!/bin/sh
[ -n "$${CI_BYPASS_ENV}" ] && exit 0
[ -f "$GIT_DIR/protected-branches" ] || exit 0
status=0
while read old new ref; do
  branch=\${ref#refs/heads/}
  if grep -qxF "$branch" "$GIT_DIR/protected-branches"; then
    echo "error: GH006: Protected branch update failed for $ref." >&2
    echo "error: Changes must be made through a pull request." >&2
    status=1
  fi
done
exit $status
`;

/** What git's transports report for a repository that is not there (go-git's `transport.ErrRepositoryNotFound`). */
export class RepoUnreachable extends Error {
  constructor() {
    super('repository not found');
  }
}

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;
const SHA_LINE = /^([0-9a-f]{40})\n?$/;

/**
 * A branch's commit read from its loose ref file, as git itself reads it, instead of a
 * `git rev-parse` process per look (the application controller asks every reconcile). Only when
 * the name cannot mean anything else: rev-parse tries `<name>`, `refs/<name>`, `refs/tags/<name>`
 * before `refs/heads/<name>` (git's refs.c `ref_rev_parse_rules`), so any of those, packed or
 * loose, sends the caller to git; so does a branch that lives only in packed-refs.
 */
function looseBranch(gitDir: string, name: string): string | undefined {
  if (!PLAIN_NAME.test(name) || name === 'HEAD' || /^[0-9a-f]{4,40}$/.test(name)) return undefined;
  const head = readIfFile(join(gitDir, `refs/heads/${name}`));
  if (head === undefined || [name, `refs/${name}`, `refs/tags/${name}`].some((path) => isFile(join(gitDir, path)))) return undefined;
  const packed = readIfFile(join(gitDir, 'packed-refs'));
  if (packed !== undefined && (packed.includes(` refs/tags/${name}\n`) || packed.includes(` refs/${name}\n`))) return undefined;
  return SHA_LINE.exec(head)?.[1];
}

// NOTE: synchronous on purpose: five reads through the thread pool (open, fstat, read, close, each a
// promise) per app per periodic reconcile were over half of that reconcile's time in a profile of an
// idle sandbox at --speed 20; a stat that finds nothing neither throws nor leaves the main thread.
const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** The file's text; undefined when it is no regular file or cannot be read (the async read's failure, as before). */
function readIfFile(path: string): string | undefined {
  if (!isFile(path)) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `file://<dir>/config-repo.git`: known before the repo exists, so its own files can name it. */
export function configRepoURL(dir: string): string {
  return `file://${join(dir, 'config-repo.git')}`;
}

export async function createConfigRepo(options: {
  dir: string;
  branch?: string;
  history: readonly SeedCommit[];
}): Promise<ConfigRepo> {
  const branch = options.branch ?? 'main';
  const bareDir = join(options.dir, 'config-repo.git');
  const workDir = join(options.dir, 'config-repo');
  await rm(bareDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
  await mkdir(bareDir, { recursive: true });
  await git(['init', '--bare', '--quiet', `--initial-branch=${branch}`], { cwd: bareDir });
  const hook = join(bareDir, 'hooks', 'pre-receive');
  await mkdir(dirname(hook), { recursive: true });
  await writeFile(hook, PRE_RECEIVE);
  await chmod(hook, 0o755);
  let protectedBranches: string[] = [];
  const seeded = await importCommits(bareDir, branch, options.history);
  await git(['clone', '--quiet', '--branch', branch, bareDir, workDir], { cwd: options.dir });
  // Inside the sandbox's folder, so a sandbox killed before close() leaves nothing in /tmp.
  const cacheDir = join(options.dir, 'trees');
  await rm(cacheDir, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  const trees = new Map<string, Promise<string>>();
  // NOTE: CI actions run one at a time, like one pipeline per repo; concurrent pushes would race.
  let ciQueue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = ciQueue.then(fn, fn);
    ciQueue = next.catch(() => undefined);
    return next;
  };
  const syncWork = async (): Promise<void> => {
    // Someone may have pushed to the bare repo directly (a reviewer's revert); start from its tip.
    await git(['fetch', '--quiet', 'origin', branch], { cwd: workDir });
    await git(['reset', '--quiet', '--hard', `origin/${branch}`], { cwd: workDir });
  };
  let offline = false;
  const reachable = (): void => {
    if (offline) throw new RepoUnreachable();
  };
  const push = async (): Promise<string> => {
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: workDir });
    return (await git(['rev-parse', 'HEAD'], { cwd: workDir })).trim();
  };


  /** Writes the change's files into the work tree (null deletes) and commits them there. */
  async function commitWork(change: Parameters<ConfigRepo['commit']>[0]): Promise<void> {
    for (const [path, content] of Object.entries(change.files)) {
      const file = join(workDir, path);
      if (content === null) await rm(file, { force: true });
      else {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    }
    await git(['add', '--all'], { cwd: workDir });
    await git(['commit', '--quiet', '-m', change.message], { cwd: workDir, date: change.date, identity: change.author });
  }
  return {
    bareDir,
    workDir,
    branch,
    repoURL: configRepoURL(options.dir),
    seeded,
    get offline() {
      return offline;
    },
    async setOffline(next) {
      if (next === offline) return;
      // Queued behind CI so a push in flight finishes on one side of the outage.
      await serial(async () => {
        if (next) await rename(bareDir, `${bareDir}.offline`);
        else await rename(`${bareDir}.offline`, bareDir);
        offline = next;
      });
    },
    async resolve(revision) {
      reachable();
      const rev = revision === '' ? 'HEAD' : revision;
      const loose = looseBranch(bareDir, rev);
      if (loose) return loose;
      const out = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: bareDir });
      return out.trim();
    },
    checkout(commit) {
      let tree = trees.get(commit);
      if (!tree) {
        if (offline) return Promise.reject(new RepoUnreachable());
        const into = join(cacheDir, commit);
        tree = mkdir(into, { recursive: true })
          .then(() => gitPipe(['archive', '--format=tar', commit], { cwd: bareDir }, { cmd: 'tar', args: ['-x', '-f', '-'], cwd: into }))
          .then(() => into);
        tree.catch(() => trees.delete(commit));
        trees.set(commit, tree);
      }
      return tree;
    },
    commit(change) {
      return serial(async () => {
        reachable();
        await syncWork();
        await commitWork(change);
        return push();
      });
    },
    commitOnBranch(name, base, change) {
      return serial(async () => {
        reachable();
        await git(['checkout', '--quiet', '--detach', base], { cwd: workDir });
        try {
          await commitWork(change);
          await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${name}`], { cwd: workDir });
          return (await git(['rev-parse', 'HEAD'], { cwd: workDir })).trim();
        } finally {
          await git(['checkout', '--quiet', '--force', branch], { cwd: workDir });
          await syncWork();
        }
      });
    },
    revert(commit, date, author) {
      return serial(async () => {
        reachable();
        await syncWork();
        try {
          await git(['revert', '--no-edit', commit], { cwd: workDir, date, identity: author });
        } catch (e) {
          await git(['revert', '--abort'], { cwd: workDir }).catch(() => undefined);
          throw e;
        }
        return push();
      });
    },
    async changedFiles(commit) {
      reachable();
      const out = await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit], { cwd: bareDir });
      return out.split('\n').filter(Boolean);
    },
    async subject(commit) {
      reachable();
      return (await git(['log', '-1', '--format=%s', commit], { cwd: bareDir })).trim();
    },
    readFile(commit, path) {
      if (offline) return Promise.reject(new RepoUnreachable());
      return git(['show', `${commit}:${path}`], { cwd: bareDir });
    },
    get protectedBranches() {
      return protectedBranches;
    },
    protect(name, on) {
      return serial(async () => {
        reachable();
        const file = join(bareDir, 'protected-branches');
        const now = new Set((await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean));
        if (on) now.add(name);
        else now.delete(name);
        protectedBranches = [...now];
        await writeFile(file, protectedBranches.map((b) => `${b}\n`).join(''));
      });
    },
    merge(name, date, author) {
      return serial(async () => {
        reachable();
        await syncWork();
        await git(['fetch', '--quiet', 'origin', `refs/heads/${name}:refs/remotes/origin/${name}`], { cwd: workDir });
        await git(['merge', '--quiet', '--no-ff', '-m', `Merge branch '${name}'`, `origin/${name}`], { cwd: workDir, date, identity: author });
        return push();
      });
    },
    async close() {
      if (offline) await rename(`${bareDir}.offline`, bareDir).catch(() => undefined);
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
