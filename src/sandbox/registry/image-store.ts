/**
 * What the sandbox's registry holds: manifests by digest and tags by repository. Tags are
 * mutable, as on a real registry: CI can push another manifest under a tag that Pods already
 * run, and the next pull of that tag gets the new digest.
 *
 * ### Examples
 * ```ts
 * const store = createImageStore();
 * store.push('acme/orders', '2.8.0', manifest);   // -> 'sha256:…'
 * store.resolve('acme/orders', '2.8.0');           // { digest, manifest } | undefined
 * ```
 */
import { createHash } from 'node:crypto';

export interface StoredManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

export interface ImageStore {
  /** Stores the manifest and points `tag` at it (moving the tag if it named another). */
  push(repository: string, tag: string | undefined, manifest: string): string;
  /** By tag or by digest; undefined when the registry has no such manifest in that repository. */
  resolve(repository: string, reference: string): StoredManifest | undefined;
  hasRepository(repository: string): boolean;
  tags(repository: string): readonly string[];
}

export function createImageStore(): ImageStore {
  const repos = new Map<string, { tags: Map<string, string>; manifests: Map<string, StoredManifest> }>();
  const repo = (name: string) => {
    let r = repos.get(name);
    if (!r) {
      r = { tags: new Map(), manifests: new Map() };
      repos.set(name, r);
    }
    return r;
  };
  return {
    push(repository, tag, manifest) {
      const bytes = Buffer.from(manifest);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const mediaType = (JSON.parse(manifest) as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
      const r = repo(repository);
      r.manifests.set(digest, { digest, mediaType, bytes });
      if (tag) r.tags.set(tag, digest);
      return digest;
    },
    resolve(repository, reference) {
      const r = repos.get(repository);
      if (!r) return undefined;
      const digest = reference.startsWith('sha256:') ? reference : r.tags.get(reference);
      return digest ? r.manifests.get(digest) : undefined;
    },
    hasRepository: (repository) => repos.has(repository),
    tags: (repository) => [...(repos.get(repository)?.tags.keys() ?? [])].sort(),
  };
}
