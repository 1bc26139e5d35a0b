/**
 * The world's images at run time: what the registry holds (every pushed build, tags that CI can
 * move), how each build behaves on a node (behaviours can change: a broken dependency makes a
 * good image crash), and the kubelets' view of both, pulling through the same image store the
 * registry serves.
 */
import { parseImageRef } from '../../core/image-id.ts';
import type { ImageHealth, ImageRuntime } from '../kube/index.ts';
import type { ImageStore } from '../registry/image-store.ts';
import { runtimeOf } from './bookstore.ts';
import { IMAGE_REGISTRY, manifestBytes, ORG, REGISTRY_HOST, rebuild, type ImageBehaviour, type ImageBuild } from './images.ts';

export interface WorldImages {
  readonly store: ImageStore;
  readonly runtime: ImageRuntime;
  build(digest: string): ImageBuild | undefined;
  /** CI re-runs the pipeline for `version` and pushes the new build under the same tag. */
  moveTag(repo: string, version: string): ImageBuild;
  /** From now on, containers of `digest` behave this way (already running ones too). */
  setBehaviour(digest: string, behaviour: ImageBehaviour): void;
  /** How containers of `digest` behave now: the override, else the build's own behaviour. */
  behaviourOf(digest: string): ImageBehaviour | undefined;
  /** The digest a tag names in the registry now. */
  tagDigest(repo: string, tag: string): string | undefined;
}

const HEALTH: Readonly<Record<ImageBehaviour, ImageHealth>> = {
  healthy: 'ok',
  slow: 'ok',
  'crash-loop': 'crashloop',
  'readiness-fail': 'readiness-fail',
  'pull-failure': 'ok',
};

export function createWorldImages(store: ImageStore): WorldImages {
  const builds = new Map<string, ImageBuild>(IMAGE_REGISTRY.map((b) => [b.digest, b]));
  const overrides = new Map<string, ImageBehaviour>();
  for (const b of IMAGE_REGISTRY) if (b.pushed) store.push(`${ORG}/${b.repo}`, b.version, manifestBytes(b.repo, b.version, b.build));

  const behaviourOf = (digest: string): ImageBehaviour | undefined => overrides.get(digest) ?? builds.get(digest)?.behaviour;

  const runtime: ImageRuntime = {
    pull(image) {
      const ref = parseImageRef(image);
      const found = ref?.registry === REGISTRY_HOST ? store.resolve(ref.path, ref.digest ?? ref.tag ?? 'latest') : undefined;
      // containerd's words for a reference the registry does not have.
      return found ? { digest: found.digest } : { error: `failed to resolve reference "${image}": ${image}: not found` };
    },
    behaviour: (_image, digest) => HEALTH[behaviourOf(digest) ?? 'healthy'],
    runtime: (cluster) => runtimeOf(cluster),
  };

  return {
    store,
    runtime,
    build: (digest) => builds.get(digest),
    moveTag(repo, version) {
      const n = 1 + Math.max(0, ...[...builds.values()].filter((b) => b.repo === repo && b.version === version).map((b) => b.build));
      const b = rebuild(repo, version, n);
      builds.set(b.digest, b);
      store.push(`${ORG}/${repo}`, version, manifestBytes(repo, version, n));
      return b;
    },
    setBehaviour: (digest, behaviour) => void overrides.set(digest, behaviour),
    behaviourOf,
    tagDigest: (repo, tag) => store.resolve(`${ORG}/${repo}`, tag)?.digest,
  };
}
