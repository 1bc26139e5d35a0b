/**
 * Step 3d done by rewind (`RevertPublisher`): the seed's `git -C config-repo revert <bad> --no-edit
 * && git push`, with the real `git`, in a clone of rewind's own (under its state directory, never
 * the user's checkout). Credentials by reference: the user's git configuration (credential
 * helpers, SSH agent), or a token from the environment sent as an HTTP header for HTTPS remotes;
 * the token goes through git's environment (`GIT_CONFIG_*`), never its command line or output.
 *
 * ### Examples
 * ```ts
 * const publisher = createGitRevertPublisher({ repoPath: '/srv/config-repo.git', workRoot: '~/.local/state/rewind/revert' });
 * await publisher.revert({ bad: 'd8f3c2a…', branch: 'main', appPath: 'apps/catalog/us-east', mode: 'push', reviewBranch: 'rewind/revert-RUN', message: 'Rewind-Run: RUN' });
 * // { pushedTo: 'main', commit: '…', review: false }, or { pushedTo: 'rewind/revert-RUN', review: true, why: 'main refused the push: …' }
 * ```
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AdapterError, RefusedError } from '../../core/errors.ts';
import type { RevertPublisher } from '../../core/ports.ts';
import { SYSTEM, createGitRunner, gitFailure, type GitResult } from './git-runner.ts';

export interface GitRevertPublisherOptions {
  /** configRepo.path: a clone (its `origin` is where the revert goes) or the bare repository itself. */
  readonly repoPath: string;
  /** Where rewind keeps its throwaway clones (inside its state directory). */
  readonly workRoot: string;
  /** A token for HTTPS remotes (resolved from configRepo.tokenEnv); absent: the user's git credentials. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Who commits when the user's git configuration names nobody (a CI machine). */
  readonly committer?: { readonly name: string; readonly email: string };
}

/** A push the remote refused on purpose (branch protection, a hook), as git and the forges word it. */
const PROTECTED = /protected branch|pre-receive hook declined|GH006|remote rejected|You are not allowed to push/i;
const NOT_FAST_FORWARD = /non-fast-forward|fetch first|\[rejected\]/i;

export function createGitRevertPublisher(options: GitRevertPublisherOptions): RevertPublisher {
  // git-runner adds LC_ALL=C and GIT_TERMINAL_PROMPT=0 to every run.
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  if (options.token) {
    // actions/checkout's way: an extraheader with basic x-access-token, which GitHub and Gitea accept.
    const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.extraHeader';
    env['GIT_CONFIG_VALUE_0'] = `Authorization: basic ${basic}`;
  }

  async function remoteUrl(): Promise<string> {
    const r = await createGitRunner({ path: options.repoPath, env })(['remote', 'get-url', 'origin']);
    if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
    return isAbsolute(options.repoPath) ? options.repoPath : resolve(options.repoPath);
  }

  async function attempt(req: Parameters<RevertPublisher['revert']>[0], url: string, dir: string): Promise<Awaited<ReturnType<RevertPublisher['revert']>> | 'retry'> {
    const root = createGitRunner({ path: options.workRoot, env });
    const cloned = await root(['clone', '--quiet', '--no-tags', '--single-branch', '--branch', req.branch, '--end-of-options', url, dir]);
    if (cloned.code !== 0) throw transient(gitFailure(`clone ${req.branch}`, url, cloned));
    const git = createGitRunner({ path: dir, env: await identityEnv(createGitRunner({ path: dir, env }), env, options.committer) });
    const ok = async (op: string, args: readonly string[]): Promise<string> => {
      const r = await git(args);
      if (r.code !== 0) throw gitFailure(op, url, r);
      return r.stdout;
    };
    const bad = (await ok(`resolve ${req.bad}`, ['rev-parse', '--verify', '--end-of-options', `${req.bad}^{commit}`])).trim();
    const onBranch = await git(['merge-base', '--is-ancestor', bad, 'HEAD']);
    if (onBranch.code !== 0) throw new RefusedError(`${bad.slice(0, 7)} is not on ${req.branch}: there is nothing of it to revert there`);
    const touched = (await ok(`files of ${bad.slice(0, 7)}`, ['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', '-z', bad])).split('\0').filter(Boolean);
    const prefix = `${req.appPath.replace(/\/+$/, '')}/`;
    const outside = touched.filter((f) => !f.startsWith(prefix));
    if (!req.appPath || outside.length > 0) {
      throw new RefusedError(`the revert of ${bad.slice(0, 7)} would change files outside the app's folder ${req.appPath || '(apps[].repoPath is not set)'}: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''}`, {
        hint: `revert it by hand so a person decides about those files: git revert ${bad.slice(0, 7)}, review, push to ${req.branch}; rewind then continues with \`rewind finish\``,
      });
    }
    const reverted = await git(['revert', '--no-edit', bad]);
    if (reverted.code !== 0) {
      const conflicted = (await git(['diff', '--name-only', '--diff-filter=U'])).stdout.trim().split('\n').filter(Boolean);
      await git(['revert', '--abort']);
      if (conflicted.length > 0 || /conflict/i.test(reverted.stdout + reverted.stderr)) {
        throw new RefusedError(`git revert ${bad.slice(0, 7)} conflicts with later commits on ${req.branch}${conflicted.length ? ` (${conflicted.join(', ')})` : ''}`, {
          hint: `resolve it by hand: git revert ${bad.slice(0, 7)}, fix the conflict, push to ${req.branch}; then \`rewind finish\``,
        });
      }
      throw gitFailure(`revert ${bad.slice(0, 7)}`, url, reverted);
    }
    const original = await ok('read the revert message', ['log', '-1', '--format=%B']);
    await ok('amend the revert message', ['commit', '--quiet', '--amend', '--no-verify', '-m', `${original.trimEnd()}\n\n${req.message.trim()}\n`]);
    const commit = (await ok('rev-parse HEAD', ['rev-parse', 'HEAD'])).trim();

    const pushTo = async (branch: string, force: boolean): Promise<GitResult> =>
      git(['push', '--quiet', ...(force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`]);
    let why = 'the policy asks for review (revert: review)';
    if (req.mode === 'push') {
      const pushed = await pushTo(req.branch, false);
      if (pushed.code === 0) return { pushedTo: req.branch, commit, review: false };
      // Someone pushed first (`[rejected] … (fetch first)`): not a refusal, so start again.
      if (NOT_FAST_FORWARD.test(pushed.stderr)) return 'retry';
      if (!PROTECTED.test(pushed.stderr)) throw gitFailure(`push ${req.branch}`, url, pushed);
      why = `${req.branch} refused the push (${remoteWords(pushed)})`;
    }
    const review = await pushTo(req.reviewBranch, true);
    if (review.code !== 0) throw gitFailure(`push ${req.reviewBranch}`, url, review);
    return { pushedTo: req.reviewBranch, commit, review: true, why };
  }

  return {
    async revert(req) {
      await mkdir(options.workRoot, { recursive: true });
      const url = await remoteUrl();
      // Someone may push between clone and push: start again from their commit, once.
      for (let tries = 1; ; tries++) {
        const dir = await mkdtemp(join(options.workRoot, 'revert-'));
        try {
          const r = await attempt(req, url, dir);
          if (r !== 'retry') return r;
          if (tries >= 2) throw new AdapterError(SYSTEM, `push ${req.branch}`, `${req.branch} moved twice while rewind pushed its revert`, { transient: true, hint: 'run `rewind finish` again' });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    },
  };
}

/** The lines the remote said (`remote: …`, `! [remote rejected] …`), never the URL's credentials. */
function remoteWords(r: GitResult): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => /^remote:|^!|error:/.test(l));
  return lines.slice(0, 3).join(' / ').replace(/https?:\/\/[^@\s]+@/g, 'https://***@') || `exit ${r.code}`;
}

function transient(e: AdapterError): AdapterError {
  return new AdapterError(e.system, e.operation, e.message, { cause: e, transient: true, hint: 'check the network and the remote\'s credentials (configRepo.tokenEnv, or your git credential helper)' });
}

/** The user's identity when their git configuration has one; else rewind's, so a CI machine can commit. */
async function identityEnv(git: ReturnType<typeof createGitRunner>, env: Record<string, string | undefined>, committer: GitRevertPublisherOptions['committer']): Promise<Record<string, string | undefined>> {
  const email = await git(['config', 'user.email']);
  if (email.code === 0 && email.stdout.trim()) return env;
  const who = committer ?? { name: 'rewind', email: 'rewind@localhost' };
  return { ...env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
}
