/**
 * Image references and the `imageID` a container runtime reports, understood alike whatever the
 * runtime: containerd and CRI-O report `repo@sha256:<manifest digest>`, dockershim/cri-dockerd
 * `docker-pullable://repo@sha256:<manifest digest>`, and Docker, for an image it never pulled by
 * digest (built or loaded locally), `docker://sha256:<image config id>`. The config id is not a
 * registry digest: it can never be compared with one.
 *
 * Normalisation follows the Docker reference grammar (distribution/reference `normalize.go`):
 * a name without a registry host is on `docker.io`, and a one-part Docker Hub name is under
 * `library/`.
 *
 * ### Examples
 * ```ts
 * parseImageRef('nginx:1.25').repository;              // 'docker.io/library/nginx'
 * parseImageRef('ghcr.io/acme/orders:2.8.0').tag;       // '2.8.0'
 * parseRuntimeImageID('docker-pullable://ghcr.io/acme/orders@sha256:ab…'); // { kind: 'digest', digest: 'sha256:ab…', … }
 * parseRuntimeImageID('docker://sha256:cd…').kind;     // 'not-comparable'
 * ```
 */

export interface ImageRef {
  /** Registry host, normalised (`docker.io` when the reference names none). */
  readonly registry: string;
  /** Repository path inside the registry: `acme/orders`, `library/nginx`. */
  readonly path: string;
  /** `registry/path`, the normalised repository. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` when the reference pins one. */
  readonly digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/** undefined for something that is not an image reference at all. */
export function parseImageRef(image: string): ImageRef | undefined {
  const trimmed = image.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const at = trimmed.indexOf('@');
  const name = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
  if (digest !== undefined && !isDigest(digest)) return undefined;
  // A colon after the last slash is a tag; one before it belongs to a registry port.
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repo = hasTag ? name.slice(0, colon) : name;
  const tag = hasTag ? name.slice(colon + 1) : undefined;
  if (!repo || tag === '') return undefined;
  const slash = repo.indexOf('/');
  const first = slash >= 0 ? repo.slice(0, slash) : '';
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first : 'docker.io';
  let path = hasHost ? repo.slice(slash + 1) : repo;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return {
    registry,
    path,
    repository: `${registry}/${path}`,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The reference as written, normalised; a reference with neither tag nor digest means `:latest`. */
export function normaliseImageRef(image: string): string | undefined {
  const r = parseImageRef(image);
  if (!r) return undefined;
  const tag = r.tag ?? (r.digest ? undefined : 'latest');
  return `${r.repository}${tag ? `:${tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** True when two references name the same image the same way (tag and digest as written). */
export function sameImageRef(a: string, b: string): boolean {
  const x = normaliseImageRef(a);
  return x !== undefined && x === normaliseImageRef(b);
}

export type RuntimeImage =
  /** A registry manifest digest: comparable with a pinned or resolved digest. */
  | { readonly kind: 'digest'; readonly runtime: 'cri' | 'docker-pullable'; readonly repository: string | undefined; readonly digest: string }
  /** Docker's local image config id: names the image's config, not a registry manifest. */
  | { readonly kind: 'not-comparable'; readonly id: string; readonly reason: string }
  /** Nothing yet: the image is still being pulled, or could not be. */
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly raw: string };

export function parseRuntimeImageID(raw: string | undefined): RuntimeImage {
  const s = (raw ?? '').trim();
  if (!s) return { kind: 'none' };
  if (s.startsWith('docker://')) {
    const id = s.slice('docker://'.length);
    return {
      kind: 'not-comparable',
      id,
      reason: `docker://${id.slice(0, 19)}… is a local image config id, not a registry digest`,
    };
  }
  const pullable = s.startsWith('docker-pullable://');
  const body = pullable ? s.slice('docker-pullable://'.length) : s;
  const at = body.lastIndexOf('@');
  const digest = at >= 0 ? body.slice(at + 1) : body;
  if (!isDigest(digest)) return { kind: 'unknown', raw: s };
  // NOTE: containerd's CRI falls back to the image id (`sha256:<config>`) when the image has no
  // repo digest (containerd `internal/cri/server/container_status.go`): bare, it names no manifest.
  if (at < 0) return { kind: 'not-comparable', id: digest, reason: `${digest.slice(0, 19)}… is a bare image id without a repository digest` };
  const repository = parseImageRef(body.slice(0, at))?.repository;
  return { kind: 'digest', runtime: pullable ? 'docker-pullable' : 'cri', repository, digest };
}
