/**
 * `FlagStore` for flagd definitions kept in the GitOps config repo. The source of truth is the
 * file on the tracked branch; turning a flag off is a real commit pushed there (in a clone of
 * rewind's own under its state directory, as the revert is: `adapters/git/git-revert-publisher.ts`),
 * which Argo CD's auto-sync renders into the ConfigMap (Kustomize configMapGenerator) and applies.
 * What the workload evaluates is that ConfigMap, read back through the Kubernetes API and
 * evaluated with flagd's own evaluator.
 *
 * ### Examples
 * ```ts
 * const store = createFlagdGitStore({ repo, repoPath: '/srv/config.git', branch: 'main', workRoot: '~/.local/state/rewind/flags',
 *   kube: { context: 'us-east', namespace: 'bookstore-platform-acme-books' } });
 * await store.turnOff(flag, { runId: 'r-1', message: 'rewind: turn catalog.new-search off' });
 * // { changed: true, commit: '9f2c…', where: 'main' }
 * ```
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import { AdapterError, ConfigError, NotFoundError } from '../../core/errors.ts';
import type { DeclaredFlag, FlagState } from '../../core/flags/types.ts';
import type { ChangeFeed } from '../../core/change-feed.ts';
import type { ConfigRepo, FlagStore, FlagWrite, FlagWriteRequest } from '../../core/ports.ts';
import { evaluate, restoreIn, turnOffIn } from './flagd-definitions.ts';
import { gitIn, must } from './git.ts';

export interface FlagdGitStoreOptions {
  /** The config repo as rewind reads it (a clone or the bare repo): `resolve(branch)` is the remote's head. */
  readonly repo: ConfigRepo;
  /** configRepo.path: its `origin` (or itself) is where the commit goes. */
  readonly repoPath: string;
  readonly branch: string;
  /** Where rewind keeps its throwaway clones (inside its state directory). */
  readonly workRoot: string;
  /** A token for HTTPS remotes (configRepo.tokenEnv), sent as a header through git's environment, never its command line. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The app's cluster: where its ConfigMap is read back. */
  readonly kube: { readonly context: string; readonly kubeconfigPath?: string; readonly namespace: string };
  /** A watch on a ConfigMap of that namespace (the app composes it from the Kubernetes adapter): wakes the wait for the flip. */
  readonly watchConfigMap?: (name: string) => ChangeFeed;
}

const NOT_FAST_FORWARD = /non-fast-forward|fetch first|\[rejected\]/i;

function ref(flag: DeclaredFlag) {
  if (!flag.flagd) throw new ConfigError(`flag ${flag.key} names no flagd: { file, configMap } in rewind.yaml`);
  return flag.flagd;
}

export function createFlagdGitStore(o: FlagdGitStoreOptions): FlagStore {
  const env: Record<string, string | undefined> = { ...(o.env ?? process.env), GIT_TERMINAL_PROMPT: '0' };
  if (o.token) {
    const basic = Buffer.from(`x-access-token:${o.token}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: basic ${basic}` });
  }
  let core: CoreV1Api | undefined;
  // NOTE: client-node (its generated API: most of a plan's start-up) loads only when a ConfigMap is read, never for a plan.
  const kube = async (): Promise<CoreV1Api> => {
    if (core) return core;
    const { CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    if (o.kube.kubeconfigPath) kc.loadFromFile(o.kube.kubeconfigPath);
    else kc.loadFromDefault();
    if (!kc.getContextObject(o.kube.context)) throw new ConfigError(`the kubeconfig has no context "${o.kube.context}"`);
    kc.setCurrentContext(o.kube.context);
    core = kc.makeApiClient(CoreV1Api);
    return core;
  };

  async function readAtHead(flag: DeclaredFlag): Promise<FlagState & { snapshot: string }> {
    const { file } = ref(flag);
    await o.repo.fetch();
    const head = await o.repo.resolve(o.branch);
    const text = await o.repo.show(head, file);
    if (text === undefined) throw new NotFoundError(`${file} is not in the config repo at ${o.branch} (${head.slice(0, 7)})`, { hint: 'check apps[].flags[].flagd.file in rewind.yaml' });
    const s = evaluate(text, flag.key, `git show ${o.branch}@${head.slice(0, 7)}:${file}`);
    return { ...s, snapshot: s.snapshot ?? '' };
  }

  async function remoteUrl(): Promise<string> {
    const r = await gitIn(o.repoPath, env)(['remote', 'get-url', 'origin']);
    if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
    return isAbsolute(o.repoPath) ? o.repoPath : resolve(o.repoPath);
  }

  /** Clone, edit the file, commit, push; once more from the new head when someone pushed in between. */
  async function commitEdit(flag: DeclaredFlag, req: FlagWriteRequest, edit: (text: string, where: string) => string): Promise<FlagWrite> {
    const { file } = ref(flag);
    await mkdir(o.workRoot, { recursive: true });
    const url = await remoteUrl();
    for (let tries = 1; ; tries++) {
      const dir = await mkdtemp(join(o.workRoot, 'flag-'));
      try {
        await must(gitIn(o.workRoot, env), `clone ${o.branch}`, ['clone', '--quiet', '--no-tags', '--single-branch', '--branch', o.branch, '--end-of-options', url, dir]);
        const git = gitIn(dir, await identity(dir, env));
        const path = join(dir, file);
        const text = await readFile(path, 'utf8').catch(() => {
          throw new NotFoundError(`${file} is not on ${o.branch}`);
        });
        const next = edit(text, `${o.branch}:${file}`);
        if (next === text) return { changed: false, where: o.branch };
        await writeFile(path, next);
        await must(git, 'add', ['add', '--', file]);
        await must(git, 'commit', ['commit', '--quiet', '--no-verify', '-m', req.message]);
        const commit = (await must(git, 'rev-parse', ['rev-parse', 'HEAD'])).trim();
        const pushed = await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${o.branch}`]);
        if (pushed.code === 0) return { changed: true, commit, where: o.branch };
        if (!NOT_FAST_FORWARD.test(pushed.stderr) || tries >= 2) {
          throw new AdapterError('git', `push ${o.branch}`, (pushed.stderr.split('\n').find((l) => l.trim()) ?? `exit ${pushed.code}`).replace(/https?:\/\/[^@\s]+@/g, 'https://***@'), {
            hint: `${o.branch} refused the flag commit: turn ${flag.key} off by hand (edit ${file}), then \`rewind resume RUN\``,
          });
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }

  return {
    read: readAtHead,
    turnOff: (flag, req) => commitEdit(flag, req, (text, where) => turnOffIn(text, flag.key, where)),
    restore: (flag, snapshot, req) => commitEdit(flag, req, (text, where) => restoreIn(text, flag.key, snapshot, where)),
    async applied(flag) {
      const r = ref(flag);
      const key = r.configMapKey ?? basename(r.file);
      const where = `kubernetes GET ${o.kube.context}: configmaps/${r.configMap} -n ${o.kube.namespace}`;
      let data: Record<string, string> | undefined;
      try {
        // NOTE: one short GET; the wait's own deadline and Ctrl-C bound the polling around it.
        const cm = await (await kube()).readNamespacedConfigMap({ name: r.configMap, namespace: o.kube.namespace });
        data = cm.data;
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 404) throw new NotFoundError(`configmap ${o.kube.namespace}/${r.configMap} does not exist in ${o.kube.context}`, { hint: 'is the flag file rendered by configMapGenerator with disableNameSuffixHash, under that name?' });
        throw new AdapterError('kubernetes', `GET configmaps/${r.configMap}`, (e as Error).message, { cause: e, transient: code === undefined || code >= 500 });
      }
      const text = data?.[key];
      if (text === undefined) throw new NotFoundError(`configmap ${o.kube.namespace}/${r.configMap} has no key ${key}`);
      return evaluate(text, flag.key, where);
    },
    ...(o.watchConfigMap ? { watchApplied: (flag: DeclaredFlag) => o.watchConfigMap!(ref(flag).configMap) } : {}),
  };
}

/** The user's git identity when configured; else rewind's, so a CI machine can commit. */
async function identity(dir: string, env: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
  const email = await gitIn(dir, env)(['config', 'user.email']);
  if (email.code === 0 && email.stdout.trim()) return env;
  return { ...env, GIT_AUTHOR_NAME: 'rewind', GIT_AUTHOR_EMAIL: 'rewind@localhost', GIT_COMMITTER_NAME: 'rewind', GIT_COMMITTER_EMAIL: 'rewind@localhost' };
}
