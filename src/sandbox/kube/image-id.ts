/**
 * What a kubelet reports as a container's `imageID`: the digest the image reference
 * resolved to. A reference pinned by digest resolves to itself; a tag resolves
 * deterministically, so the same `repo:tag` always "pulls" the same digest, here and in
 * the Argo CD side of the sandbox.
 *
 * ### Examples
 * `resolveImageId('ghcr.io/acme/catalog@sha256:ab12…')` → `'ghcr.io/acme/catalog@sha256:ab12…'`
 * `resolveImageId('ghcr.io/acme/catalog:1.4')` → `'ghcr.io/acme/catalog@sha256:<sha256("ghcr.io/acme/catalog:1.4")>'`
 */
import { createHash } from 'node:crypto';

export interface ImageReference {
  /** The repository without tag or digest: `ghcr.io/acme/catalog`. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const namePart = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  // A colon after the last slash is a tag; one before it belongs to a registry port.
  const colon = namePart.lastIndexOf(':');
  const hasTag = colon > namePart.lastIndexOf('/');
  return {
    repository: hasTag ? namePart.slice(0, colon) : namePart,
    tag: hasTag ? namePart.slice(colon + 1) : undefined,
    digest,
  };
}

/** The digest (`sha256:<hex>`) an image reference runs as. An untagged reference means `:latest`. */
export function resolveImageDigest(image: string): string {
  const ref = parseImageReference(image);
  if (ref.digest) return ref.digest;
  const tagged = `${ref.repository}:${ref.tag ?? 'latest'}`;
  return `sha256:${createHash('sha256').update(tagged).digest('hex')}`;
}

/** `repo@sha256:<hex>`, the form of `status.containerStatuses[].imageID`. */
export function resolveImageId(image: string): string {
  return `${parseImageReference(image).repository}@${resolveImageDigest(image)}`;
}
