/**
 * `ConfigRepo` through the real `git`: the GitOps config repository Argo CD tracks, as a local
 * clone or a bare mirror.
 *
 * ### Examples
 * ```ts
 * const repo = createGitConfigRepo({ path: '.rewind/sandbox/config-repo.git' });
 * await repo.resolve('d8f3c2a');                    // 'd8f3c2a…' (40 hex)
 * await repo.changedFiles('a1b2c3d', 'd8f3c2a');    // [{ status: 'modified', path: 'apps/catalog/us-east/kustomization.yaml' }]
 * await repo.hasRevertOf('d8f3c2a', 'main');        // false until the revert is merged
 * ```
 */
import type { ChangedFile, ConfigRepo } from '../../core/ports.ts';
import { AdapterError, NotFoundError } from '../../core/errors.ts';
import { BatchUnavailable, openCatFileBatch, type BatchObject, type CatFileBatch } from './cat-file-batch.ts';
import { SYSTEM, createGitRunner, gitEnv, gitFailure, type GitRunner } from './git-runner.ts';

export interface GitConfigRepoOptions {
  /** The repository (work tree or bare). */
  readonly path: string;
  readonly git?: string;
  /** Injected for tests; `git -C path` otherwise. */
  readonly run?: GitRunner;
}

/** git's well-known empty tree: the "parent" of a root commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
/** A full object name (SHA-1 or SHA-256): what it names cannot move while it is resolved. */
const FULL_OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * What a full commit hash names never changes, nor does a file at a commit or a diff between two:
 * one cache of them per repository path per process, shared by every repo object on it (the plan's
 * change diagnoser, pod template reader and the plan itself asked git for the same hashes and
 * files 2-3 times over).
 */
interface ObjectCache {
  readonly commits: Map<string, Promise<string>>;
  readonly blobs: Map<string, Promise<string | undefined>>;
  /** `changedFiles` between two commits, by the commits and pathspecs. */
  readonly diffs: Map<string, Promise<readonly ChangedFile[]>>;
  /** The objects not yet cached, through one `git cat-file --batch` (cat-file-batch.ts). */
  readonly batch?: CatFileBatch;
}
const objectCaches = new Map<string, ObjectCache>();
function objectCacheFor(git: string, path: string): ObjectCache {
  const key = `${git}\0${path}`;
  let c = objectCaches.get(key);
  if (!c) {
    c = { commits: new Map(), blobs: new Map(), diffs: new Map(), batch: openCatFileBatch({ git, path, env: gitEnv(process.env) }) };
    objectCaches.set(key, c);
  }
  return c;
}

export function createGitConfigRepo(options: GitConfigRepoOptions): ConfigRepo {
  const { path } = options;
  const run = options.run ?? createGitRunner({ path, ...(options.git ? { git: options.git } : {}) });
  // An injected runner is a test's own world: it gets its own cache.
  const cache = options.run ? { commits: new Map<string, Promise<string>>(), blobs: new Map<string, Promise<string | undefined>>(), diffs: new Map<string, Promise<readonly ChangedFile[]>>() } : objectCacheFor(options.git ?? 'git', path);
  let fetching: Promise<void> | undefined;

  async function ok(operation: string, args: readonly string[]): Promise<string> {
    const r = await run(args);
    if (r.code !== 0) throw gitFailure(operation, path, r);
    return r.stdout;
  }

  const { commits, blobs, diffs, batch } = cache;

  /** The object through the batch process; undefined for missing; null when the batch cannot answer (then one git process per read). */
  async function viaBatch(name: string): Promise<BatchObject | undefined | null> {
    if (!batch) return null;
    try {
      return await batch.read(name);
    } catch (e) {
      if (e instanceof BatchUnavailable) return null;
      throw e;
    }
  }
  function resolve(rev: string): Promise<string> {
    // A branch name means the branch Argo CD tracks: in a clone, the remote's (a local branch is stale until someone pulls).
    if (!/^[0-9a-f]{40}$/.test(rev)) return trackedBranch(rev);
    let hit = commits.get(rev);
    if (!hit) {
      hit = resolveCommit(rev);
      hit.catch(() => commits.delete(rev));
      commits.set(rev, hit);
    }
    return hit;
  }

  /**
   * `read` of the two revisions once both resolve. For full object names (what a plan passes:
   * Argo CD's history revisions) it starts beside their resolution, since nothing can move what
   * they name: the window's git processes no longer wait a round trip to the batch (issue 19).
   * The errors keep their order: `from`'s, then `to`'s (a pruned one is a NotFoundError), then git's.
   */
  async function besideResolving<T>(from: string, to: string, read: (a: string, b: string) => Promise<T>): Promise<T> {
    const early = FULL_OBJECT_NAME.test(from) && FULL_OBJECT_NAME.test(to) ? read(from, to) : undefined;
    early?.catch(() => undefined);
    const [a, b] = await Promise.allSettled([resolve(from), resolve(to)]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    return early ?? read(a.value, b.value);
  }

  async function resolveCommit(rev: string): Promise<string> {
    const o = await viaBatch(`${rev}^{commit}`);
    if (o === null) return resolveUncached(rev);
    if (o === undefined) throw notFound(rev);
    return o.oid;
  }

  function notFound(rev: string): NotFoundError {
    return new NotFoundError(`revision ${rev} is not in the config repo (pruned or never fetched?)`, {
      hint: `git -C ${path} fetch, or pick another history id (\`rewind history APP\`)`,
    });
  }

  async function resolveUncached(rev: string): Promise<string> {
    // NOTE: `--end-of-options` stops a revision that starts with "-" from being read as a flag.
    const r = await run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    if (r.code === 0) return r.stdout.trim();
    if (r.code === 1) throw notFound(rev);
    throw gitFailure(`resolve ${rev}`, path, r);
  }

  /** The branch as the remote has it when this is a clone (what Argo CD tracks), else the local one. */
  async function trackedBranch(branch: string): Promise<string> {
    const remote = `refs/remotes/origin/${branch}`;
    // NOTE: through the batch process when it runs: it reads the ref as it is at the request (a
    // fetch since it started included), one git process fewer per plan.
    const o = await viaBatch(`${remote}^{commit}`);
    if (o) return o.oid;
    if (o === undefined) return resolveUncached(branch);
    const r = await run(['rev-parse', '--verify', '--quiet', remote]);
    return r.code === 0 ? r.stdout.trim() : resolveUncached(branch);
  }

  async function showUncached(rev: string, commit: string, file: string): Promise<string | undefined> {
    const o = await viaBatch(`${commit}:${file}`);
    // A folder at that path is no file, as to `cat-file blob` (its "bad file").
    if (o !== null) return o?.type === 'blob' ? o.content.toString('utf8') : undefined;
    const r = await run(['cat-file', 'blob', `${commit}:${file}`]);
    if (r.code === 0) return r.stdout;
    // The commit exists (resolved above), so a failure here means the path does not (or is a folder: a "bad file" to cat-file blob).
    if (/does not exist|not a valid object name|invalid object name|exists on disk, but not in|bad file/i.test(r.stderr)) return undefined;
    throw gitFailure(`show ${rev}:${file}`, path, r);
  }

  async function parentOf(commit: string): Promise<string> {
    const r = await run(['rev-parse', '--verify', '--quiet', `${commit}^1`]);
    return r.code === 0 ? r.stdout.trim() : EMPTY_TREE;
  }

  return {
    resolve,

    changedFiles(from, to, pathspecs = [], options = {}): Promise<readonly ChangedFile[]> {
      const renames = options.renames ?? true;
      return besideResolving(from, to, (a, b) => {
        // Between two commits the answer cannot change: a plan's schema check and its data-layer
        // mechanism ask the same diff, which ran as two git processes (issue 19).
        const key = [a, b, renames ? '-M' : '--no-renames', ...pathspecs].join('\0');
        let hit = diffs.get(key);
        if (!hit) {
          hit = ok(`diff ${from}..${to}`, ['diff', '--name-status', renames ? '-M' : '--no-renames', '-z', a, b, '--', ...pathspecs]).then((out) => Object.freeze(parseNameStatus(out)));
          hit.catch(() => diffs.delete(key));
          diffs.set(key, hit);
        }
        return hit;
      });
    },

    async show(rev, file): Promise<string | undefined> {
      const commit = await resolve(rev);
      const key = `${commit}:${file}`;
      let hit = blobs.get(key);
      if (!hit) {
        hit = showUncached(rev, commit, file);
        hit.catch(() => blobs.delete(key));
        blobs.set(key, hit);
      }
      return hit;
    },

    async log(from, to) {
      // The trailers as git itself parses them (git-interpret-trailers(1): only the message's last
      // paragraph, `Key: value` lines), values joined by a unit separator.
      const format = '--format=%H%x1f%s%x1f%an%x1f%aI%x1f%(trailers:key=Rewind-Run,valueonly,separator=%x1d)%x1e';
      const out = await besideResolving(from, to, (a, b) => ok(`log ${from}..${to}`, ['log', format, `${a}..${b}`]));
      return Object.freeze(
        out
          .split('\x1e')
          .map((rec) => rec.trim())
          .filter(Boolean)
          .map((rec) => {
            const [revision = '', subject = '', author = '', date = '', trailers = ''] = rec.split('\x1f');
            const runIds = Object.freeze(trailers.split('\x1d').map((x) => x.trim()).filter(Boolean));
            return Object.freeze({ revision, subject, author, date: new Date(date).toISOString(), runIds });
          }),
      );
    },

    /**
     * True when the tracked branch no longer carries `bad`'s change: `bad` is not an ancestor
     * (history rewritten), a later commit says "This reverts commit <bad>" (`git revert`), or
     * every file `bad` touched is back to its content before `bad`. A later commit that changes
     * those files in some other way does not count: rewind cannot tell it undoes the damage.
     */
    async hasRevertOf(bad, branch): Promise<boolean> {
      const [badHash, tip] = await Promise.all([resolve(bad), trackedBranch(branch)]);
      const ancestor = await run(['merge-base', '--is-ancestor', badHash, tip]);
      if (ancestor.code === 1) return true;
      if (ancestor.code !== 0) throw gitFailure(`merge-base ${bad} ${branch}`, path, ancestor);
      const reverts = await ok(`log ${bad}..${branch}`, ['log', '--format=%H', '-F', `--grep=This reverts commit ${badHash}`, `${badHash}..${tip}`]);
      if (reverts.trim() !== '') return true;
      const parent = await parentOf(badHash);
      const touched = (await ok(`diff ${bad}^ ${bad}`, ['diff', '--name-only', '-z', '--no-renames', parent, badHash]))
        .split('\0')
        .filter(Boolean);
      if (touched.length === 0) return true;
      const same = await run(['diff', '--quiet', '--no-renames', parent, tip, '--', ...touched]);
      if (same.code === 0) return true;
      if (same.code === 1) return false;
      throw gitFailure(`diff ${bad}^ ${branch}`, path, same);
    },

    async contains(revision, branch): Promise<boolean> {
      const [hash, tip] = await Promise.all([resolve(revision), trackedBranch(branch)]);
      const r = await run(['merge-base', '--is-ancestor', hash, tip]);
      if (r.code === 0 || r.code === 1) return r.code === 0;
      throw gitFailure(`merge-base ${revision} ${branch}`, path, r);
    },
    fetch(): Promise<void> {
      // Callers that fetch at the same moment share one `git fetch` (a later call fetches again).
      fetching ??= fetchNow().finally(() => {
        fetching = undefined;
      });
      return fetching;
    },
  };

  async function fetchNow(): Promise<void> {
    // NOTE: without a remote, `fetch --all` fetches nothing and exits 0 (git builtin/fetch.c,
    // fetch_multiple over an empty list): no `git remote` first, one process fewer per fetch.
    const r = await run(['fetch', '--quiet', '--prune', '--all']);
    if (r.code !== 0) {
      const f = gitFailure('fetch', path, r);
      throw new AdapterError(SYSTEM, 'fetch', f.message.replace(/^git: fetch: /, ''), { transient: true, hint: 'check the network and the remote\'s credentials' });
    }
    // Reads follow a fetch (a plan's come once the Application is read): git starts meanwhile.
    batch?.warm();
  }
}

/** `git diff --name-status -z`: `M\0path\0`, renames and copies as `R100\0old\0new\0`. */
export function parseNameStatus(out: string): ChangedFile[] {
  const fields = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++] ?? '';
    if (!code) continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      i++; // the old path
      const to = fields[i++] ?? '';
      files.push(Object.freeze({ status: letter === 'R' ? 'renamed' : 'added', path: to }));
      continue;
    }
    const p = fields[i++] ?? '';
    const status = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified';
    files.push(Object.freeze({ status, path: p }));
  }
  return files;
}
