/**
 * The Bookstore Platform config repo: a bare repository (what Argo CD tracks) and a work
 * clone that the sandbox's "CI" commits in and pushes from, like a deploy pipeline would.
 * Argo CD reads revisions out of the bare repo only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { git, gitPipe, type GitIdentity } from './git.ts';
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
  /** CI: `git revert` one commit on the tracked branch and push it; returns the new hash. */
  revert(commit: string, date: Date, author: GitIdentity): Promise<string>;
  /** The files a commit changed, relative to the repo root. */
  changedFiles(commit: string): Promise<string[]>;
  subject(commit: string): Promise<string>;
  /** A file's content at `commit`. */
  readFile(commit: string, path: string): Promise<string>;
  close(): Promise<void>;
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
  const seeded = await importCommits(bareDir, branch, options.history);
  await git(['clone', '--quiet', '--branch', branch, bareDir, workDir], { cwd: options.dir });
  const cacheDir = await mkdtemp(join(tmpdir(), 'rewind-sandbox-trees-'));
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
  const push = async (): Promise<string> => {
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: workDir });
    return (await git(['rev-parse', 'HEAD'], { cwd: workDir })).trim();
  };

  return {
    bareDir,
    workDir,
    branch,
    repoURL: `file://${bareDir}`,
    seeded,
    async resolve(revision) {
      const rev = revision === '' ? 'HEAD' : revision;
      const out = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: bareDir });
      return out.trim();
    },
    checkout(commit) {
      let tree = trees.get(commit);
      if (!tree) {
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
        await syncWork();
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
        return push();
      });
    },
    revert(commit, date, author) {
      return serial(async () => {
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
      const out = await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit], { cwd: bareDir });
      return out.split('\n').filter(Boolean);
    },
    async subject(commit) {
      return (await git(['log', '-1', '--format=%s', commit], { cwd: bareDir })).trim();
    },
    readFile(commit, path) {
      return git(['show', `${commit}:${path}`], { cwd: bareDir });
    },
    async close() {
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
